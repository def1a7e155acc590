# Helpers so each library and test folder picks up its sources by convention:
# adding a file never needs a CMake edit, which keeps parallel work conflict-free.

# candela_library(<name> DEPS <targets...>)
# Builds src/<name>/*.cpp into the static library candela_<name>.
function(candela_library name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(sources)
    add_library(candela_${name} STATIC ${sources})
    set(scope PUBLIC)
  else()
    # A library still being written may have headers only.
    add_library(candela_${name} INTERFACE)
    set(scope INTERFACE)
  endif()
  target_include_directories(candela_${name} ${scope} ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(candela_${name} ${scope} ${ARG_DEPS})
endfunction()

# candela_unit_tests(<name> DEPS <targets...>)
# Builds tests/unit/<name>/*_test.cpp into one GoogleTest binary unit_<name>.
function(candela_unit_tests name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/unit/${name}/*_test.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(unit_${name} ${sources})
  target_link_libraries(unit_${name} PRIVATE ${ARG_DEPS} candela_test_support GTest::gtest_main)
  gtest_discover_tests(unit_${name} TEST_PREFIX "${CANDELA_TEST_PREFIX}unit.${name}."
                       DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300
                       FIXTURES_REQUIRED ${CANDELA_TEST_PREFIX}candela_pg)
endfunction()
