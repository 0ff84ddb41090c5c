#pragma once
/// A small blocking HTTP/1.1 client over libcurl for the object stores: one request, one
/// response, connections kept alive and reused across calls, safe to share between threads.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/azure_auth.h"

namespace jsm::storage {

/// Timeouts of every request.
struct HttpOptions {
  long connect_timeout_ms = 5000;    ///< TCP (and TLS) connect
  long request_timeout_ms = 300000;  ///< whole request, a last resort for hung servers
  long low_speed_seconds = 30;       ///< abort when under 1 byte/s for this long
};

/// One request. `body` is sent as is, with a Content-Length, for any method.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<HttpField> headers;
  std::string_view body;
};

/// A response: status, headers (names lowercased) and body.
struct HttpResponse {
  long status = 0;
  std::vector<HttpField> headers;
  std::string body;
  /// Value of the header `lower_name`, or "" when absent.
  std::string_view Header(std::string_view lower_name) const;
};

/// Sends requests. A transport failure (refused, reset, DNS) is kUnavailable and a timeout
/// kTimeout, with curl's reason; the URL's query string (which may carry a SAS) is never in a message.
class HttpClient {
 public:
  /// A client with `options`; initializes libcurl once per process.
  static Result<std::unique_ptr<HttpClient>> Create(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Performs `request` and returns whatever status the server answered.
  Result<HttpResponse> Send(const HttpRequest& request);

 private:
  explicit HttpClient(HttpOptions options) : options_(options) {}
  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  HttpOptions options_;
  std::mutex mutex_;
  std::vector<void*> idle_;  ///< CURL* easy handles with live connections, reused LIFO
};

}  // namespace jsm::storage
