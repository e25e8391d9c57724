// Shared by the libFuzzer harnesses: the input as text, and how an expected rejection looks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace joulebench::fuzz {

inline std::string text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// A harness calls the parser and lets only its documented error type through: anything else
/// escaping (std::out_of_range from a stray stoull, a crash, a sanitizer report) is a finding.
template <typename Error, typename F>
void expect_only(F&& f) {
  try {
    f();
  } catch (const Error&) {
  }
}

}  // namespace joulebench::fuzz
