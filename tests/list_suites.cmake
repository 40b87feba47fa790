# Writes a CTest file with one test per top-level Boost.Test suite of a test executable, so that
# CTest runs the suites of one executable in parallel. Run after each link:
#   cmake -DTEST_EXECUTABLE=... -DTEST_PREFIX=... -DTEST_WORKING_DIRECTORY=... -DCTEST_FILE=...
#         -P list_suites.cmake
# A suite added to a source file becomes a test at the next build; none is listed by hand.

foreach(variable TEST_EXECUTABLE TEST_PREFIX TEST_WORKING_DIRECTORY CTEST_FILE)
    if(NOT DEFINED ${variable})
        message(FATAL_ERROR "list_suites.cmake: ${variable} is not set")
    endif()
endforeach()

# Listing allocates nothing worth reporting; a sanitizer build must not fail the link step on it.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")
execute_process(
    COMMAND "${TEST_EXECUTABLE}" --list_content
    WORKING_DIRECTORY "${TEST_WORKING_DIRECTORY}"
    RESULT_VARIABLE status
    OUTPUT_VARIABLE out
    ERROR_VARIABLE listing)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${TEST_EXECUTABLE} --list_content failed (${status}):\n${out}${listing}")
endif()

# Boost.Test prints the tree on stderr: suites at the left margin, test cases indented below.
string(REPLACE "\n" ";" lines "${listing}")
set(suites "")
foreach(line IN LISTS lines)
    if(line MATCHES "^([A-Za-z_][A-Za-z0-9_]*)\\*?$")
        list(APPEND suites "${CMAKE_MATCH_1}")
    endif()
endforeach()
if(NOT suites)
    message(FATAL_ERROR "${TEST_EXECUTABLE} lists no test suite:\n${listing}")
endif()

set(content "# Written by list_suites.cmake from ${TEST_EXECUTABLE} --list_content\n")
foreach(suite IN LISTS suites)
    string(APPEND content "add_test([=[${TEST_PREFIX}.${suite}]=] \"${TEST_EXECUTABLE}\" "
        "--log_level=test_suite \"--run_test=${suite}\")\n"
        "set_tests_properties([=[${TEST_PREFIX}.${suite}]=] PROPERTIES "
        "WORKING_DIRECTORY \"${TEST_WORKING_DIRECTORY}\")\n")
endforeach()
# Written beside and renamed, so that CTest never reads half a file.
file(WRITE "${CTEST_FILE}.tmp" "${content}")
file(RENAME "${CTEST_FILE}.tmp" "${CTEST_FILE}")
