#pragma once
#include <string>

// Numbers as findings say them to people.
namespace mgate {

// 2000000 -> "2,000,000".
std::string grouped(long long value);

// A duration in milliseconds, to the precision a person reads: "0.4 ms", "848 ms", "1.2 s",
// "3 min 40 s", "2 h 5 min".
std::string duration_text(double ms);

}  // namespace mgate
