#include <cstdio>
#include "schoolsim/version.hpp"
int main() { std::printf("schoolsim %s\n", schoolsim::kVersion); return 0; }
