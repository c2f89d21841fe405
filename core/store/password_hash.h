#pragma once
// Argon2id hashes of secrets people type: console passwords on the server
// (sync/server/accounts.h), staff PINs on devices. libsodium's
// crypto_pwhash_str: the string carries its own salt and limits, so a hash
// made with other limits still verifies. The limits are libsodium's
// "interactive" ones (2 passes, 64 MiB: a few tenths of a second on a
// 2-core machine): hash and check off any UI thread.
//
// Threads: any. Errors: std::runtime_error when libsodium cannot start or
// cannot hash (out of memory).

#include <string>
#include <string_view>

namespace yz {

// A fresh salt each call: two hashes of one secret differ.
std::string argon2id_hash(std::string_view secret);
// Whether `secret` is the one `hash` (from argon2id_hash) was made from. A
// malformed or empty hash matches nothing.
bool argon2id_matches(std::string_view hash, std::string_view secret);

}  // namespace yz
