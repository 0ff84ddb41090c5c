// Pseudonymization cost on the refine hot path: HMAC-SHA256 pseudonyms of
// customer numbers per CPU second, and a count of libcrypto heap allocations
// while computing them (the hot path must make none). Printed, never asserted.
//
//   pseudonymizer_bench [values]   (default 2,000,000)

#include <openssl/crypto.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "pipeline/pseudonymizer.h"

namespace {

std::atomic<long> allocations{0};

void* CountingMalloc(size_t size, const char*, int) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size);
}
void* CountingRealloc(void* pointer, size_t size, const char*, int) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(pointer, size);
}
void CountingFree(void* pointer, const char*, int) { std::free(pointer); }

double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  // Must come before libcrypto allocates anything.
  const bool counting = CRYPTO_set_mem_functions(CountingMalloc, CountingRealloc, CountingFree) == 1;
  const long values = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 2000000;
  auto pseudonymizer = jsm::pipeline::Pseudonymizer::Create("bench-key-0123456789abcdef0123456789");
  if (!pseudonymizer) {
    std::fprintf(stderr, "%s\n", pseudonymizer.error().ToString().c_str());
    return 1;
  }
  char customer[16];
  unsigned checksum = 0;
  const long before = allocations.load();
  const double start = CpuSeconds();
  for (long i = 0; i < values; ++i) {
    const int length = std::snprintf(customer, sizeof(customer), "%05ld", 12346 + i % 6000);
    checksum += static_cast<unsigned char>((*pseudonymizer)->Pseudonym(std::string_view(customer, length))[0]);
  }
  const double seconds = CpuSeconds() - start;
  std::printf("HMAC-SHA256 pseudonyms: %ld in %.3f CPU s = %.2f M/s per CPU second (%.0f ns each; checksum %u)\n",
              values, seconds, values / seconds / 1e6, seconds / values * 1e9, checksum);
  if (counting) {
    std::printf("libcrypto heap allocations while computing them: %ld\n", allocations.load() - before);
  } else {
    std::printf("libcrypto allocations not counted (CRYPTO_set_mem_functions refused)\n");
  }
  return 0;
}
