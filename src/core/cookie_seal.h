// Sealed cookies: AES-256-GCM with a random 96-bit IV, the key derived from a
// passphrase with HKDF-SHA256, and the cookie's name bound as associated data.
//
// Wire format (then base64url):  version(1) | key_id(4) | iv(12) | ciphertext | tag(16)
// The version byte and key id let passphrases rotate: the first passphrase
// seals, every listed passphrase is tried to open (the key id picks it directly).
#pragma once

#include "core/random.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ssoauth {

constexpr size_t kMinPassphraseBytes = 32;

class CookieSealer {
public:
    // Derives one key per passphrase. Fails (nullptr, *error set) when the list
    // is empty or a passphrase is shorter than kMinPassphraseBytes.
    static std::shared_ptr<const CookieSealer> create(const std::vector<std::string>& passphrases,
                                                      std::string* error);

    // Seals `plaintext` for the cookie called `cookie_name`. "" if randomness failed.
    std::string seal(const std::string& plaintext, const std::string& cookie_name,
                     RandomSource& random = openssl_random()) const;

    // Opens a value sealed by any listed passphrase for the same cookie name.
    // nullopt for anything else: tampering, another name, an unlisted passphrase, garbage.
    std::optional<std::string> open(const std::string& sealed, const std::string& cookie_name) const;

    size_t key_count() const { return keys_.size(); }
    // Distinct for every sealer ever created in this process (never reused, unlike an address).
    uint64_t id() const { return id_; }

private:
    struct Key {
        std::array<unsigned char, 4> id;
        std::array<unsigned char, 32> secret;
    };
    explicit CookieSealer(std::vector<Key> keys);
    std::vector<Key> keys_;
    uint64_t id_;
};

// Cookie values larger than one browser cookie are split into chunks.
constexpr size_t kMaxCookieChunkBytes = 4000;
constexpr size_t kMaxCookieChunks = 8;

// Splits `value` into chunks of at most `chunk_bytes`. Empty when it would need
// more than `max_chunks` (the caller reports the session as too large).
std::vector<std::string> split_cookie_chunks(const std::string& value,
                                             size_t chunk_bytes = kMaxCookieChunkBytes,
                                             size_t max_chunks = kMaxCookieChunks);

}  // namespace ssoauth
