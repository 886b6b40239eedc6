# Install rules and the exported CMake package:
#   cmake --install build/release --prefix PREFIX
# puts `schoolsim` in PREFIX/bin, the engine library and headers in PREFIX/lib and
# PREFIX/include, and a package so that another project's
#   find_package(schoolsim REQUIRED)  +  target_link_libraries(app PRIVATE schoolsim::core)
# builds against the engine (tested by tests/install/, see docs/architecture.md).
include(CMakePackageConfigHelpers)

install(TARGETS schoolsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS schoolsim_core EXPORT schoolsimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY sim models DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp"
        PATTERN "reference" EXCLUDE)  # models/reference/: test-only kernels, not in the library
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/generated/schoolsim/version.hpp
              ${CMAKE_CURRENT_BINARY_DIR}/generated/schoolsim/git_hash.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/schoolsim)
# Random123 is header-only and has no CMake package: consumers find it where we did.
install(EXPORT schoolsimTargets NAMESPACE schoolsim:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/schoolsim)
configure_package_config_file(cmake/schoolsimConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/schoolsimConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/schoolsim)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/schoolsimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/schoolsimConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/schoolsimConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/schoolsim)
