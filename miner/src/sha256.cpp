// OpenSSL SHA-256 (the oracle) and a portable compression function for midstates.
#include "joulebench/miner/sha256.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "detail/sha256_scalar.hpp"

namespace joulebench::miner {

namespace {

// OpenSSL 3's one-shot SHA256() looks the algorithm up in a locked provider store on every
// call, which serialises threads; fetch it once and reuse one context per thread instead.
const EVP_MD* sha256_md() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr)
      throw std::runtime_error("OpenSSL has no SHA256 provider; check the OpenSSL install");
    return fetched;
  }();
  return md;
}

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

Hash256 sha256(const std::uint8_t* data, std::size_t size) {
  thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  Hash256 out;
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data, size) != 1 || EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
    throw std::runtime_error("OpenSSL SHA256 failed");
  }
  return out;
}

Hash256 sha256d(const std::uint8_t* data, std::size_t size) {
  const Hash256 first = sha256(data, size);
  return sha256(first.data(), first.size());
}

void sha256_compress(std::uint32_t state[8], const std::uint8_t block[64]) {
  std::uint32_t w[64];
  for (int i = 0; i < 16; ++i) {
    w[i] = static_cast<std::uint32_t>(block[4 * i]) << 24 |
           static_cast<std::uint32_t>(block[4 * i + 1]) << 16 |
           static_cast<std::uint32_t>(block[4 * i + 2]) << 8 | block[4 * i + 3];
  }
  for (int i = 16; i < 64; ++i)
    w[i] = detail::ssig1(w[i - 2]) + w[i - 7] + detail::ssig0(w[i - 15]) + w[i - 16];
  std::uint32_t s[8];
  for (int i = 0; i < 8; ++i) s[i] = state[i];
  for (int i = 0; i < 64; ++i) detail::round(s, detail::kRoundConstants[i] + w[i]);
  for (int i = 0; i < 8; ++i) state[i] += s[i];
}

}  // namespace joulebench::miner
