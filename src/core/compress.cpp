#include "core/compress.h"

#include <zlib.h>

namespace ssoauth {

std::string deflate_bytes(const std::string& data) {
    uLongf length = compressBound(static_cast<uLong>(data.size()));
    std::string out(length, '\0');
    if (compress2(reinterpret_cast<Bytef*>(&out[0]), &length, reinterpret_cast<const Bytef*>(data.data()),
                  static_cast<uLong>(data.size()), Z_BEST_COMPRESSION) != Z_OK)
        return std::string();
    out.resize(length);
    return out;
}

std::optional<std::string> inflate_bytes(const std::string& data, size_t max_bytes) {
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK) return std::nullopt;
    std::string out;
    char buffer[16384];
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof(buffer);
        rc = inflate(&stream, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) break;
        out.append(buffer, sizeof(buffer) - stream.avail_out);
        if (out.size() > max_bytes) {
            rc = Z_BUF_ERROR;
            break;
        }
        if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
            rc = Z_DATA_ERROR;  // input ended before the stream did
            break;
        }
    }
    inflateEnd(&stream);
    if (rc != Z_STREAM_END || stream.avail_in != 0) return std::nullopt;
    return out;
}

}  // namespace ssoauth
