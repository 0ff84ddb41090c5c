#pragma once
/// Invariant checks that stay on in release builds and print both operands.
/// A failed check is a bug of ours, never bad input: bad input is an Error value.

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace jsm::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* expr, const std::string& detail);

template <class A, class B>
std::string DescribeOperands(const A& a, const B& b) {
  std::ostringstream out;
  out << "(" << a << " vs " << b << ")";
  return out.str();
}
}  // namespace jsm::internal

#define JSM_CHECK(cond) \
  do { if (!(cond)) ::jsm::internal::CheckFailed(__FILE__, __LINE__, #cond, ""); } while (0)

#define JSM_CHECK_OP(a, b, op)                                                              \
  do {                                                                                      \
    const auto& _jsm_a = (a);                                                               \
    const auto& _jsm_b = (b);                                                               \
    if (!(_jsm_a op _jsm_b))                                                                \
      ::jsm::internal::CheckFailed(__FILE__, __LINE__, #a " " #op " " #b,                   \
                                   ::jsm::internal::DescribeOperands(_jsm_a, _jsm_b));      \
  } while (0)

#define JSM_CHECK_EQ(a, b) JSM_CHECK_OP(a, b, ==)
#define JSM_CHECK_NE(a, b) JSM_CHECK_OP(a, b, !=)
#define JSM_CHECK_LT(a, b) JSM_CHECK_OP(a, b, <)
#define JSM_CHECK_LE(a, b) JSM_CHECK_OP(a, b, <=)
#define JSM_CHECK_GT(a, b) JSM_CHECK_OP(a, b, >)
#define JSM_CHECK_GE(a, b) JSM_CHECK_OP(a, b, >=)
