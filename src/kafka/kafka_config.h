#pragma once
/// Connection settings shared by producers and consumers.

#include <map>
#include <string>

namespace jsm::kafka {

/// Where the brokers are and any librdkafka properties to pass through.
struct ClientConfig {
  std::string bootstrap_servers;                  ///< "host:port,..."
  std::map<std::string, std::string> properties;  ///< passed to librdkafka as-is
};

}  // namespace jsm::kafka
