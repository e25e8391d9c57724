// A small blocking HTTP(S) client on libcurl for meters that speak REST (Redfish): one handle per
// client (one thread uses it), TLS verified unless told otherwise, every failure returned as text
// that names the URL and the cause.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace joulebench::power::detail {

struct HttpOptions {
  bool verify_tls = true;
  std::optional<std::filesystem::path> ca_file;
  double timeout_s = 5;
  std::string basic_user, basic_password;  ///< basic auth when the user is not empty
};

struct HttpResponse {
  long status = 0;  ///< 0: no response (error says why)
  std::string body;
  std::string error;       ///< transport failure: unreachable, TLS, timeout
  std::string auth_token;  ///< the X-Auth-Token header, if any
  std::string location;    ///< the Location header, if any
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// `headers` as "Name: value" lines; `body` sent as application/json when not empty.
  HttpResponse request(const std::string& method, const std::string& url, const std::string& body = {},
                       const std::vector<std::string>& headers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace joulebench::power::detail
