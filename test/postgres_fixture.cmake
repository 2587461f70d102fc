# The throwaway PostgreSQL that test suites share (scripts/pg-test.sh does the work).
#
# Use it from any suite:
#   aion_boost_test(my_test SOURCES ... FIXTURES postgres ENV ${AION_PG_TEST_ENV})
# and in the test read the libpq URL from the file named by $AION_TEST_PG_URL_FILE.
#
# - CTest runs `postgres.start` (FIXTURES_SETUP postgres) before the first test that requires the
#   fixture and `postgres.stop` (FIXTURES_CLEANUP) after the last one, also under `ctest -R`.
#   A guardian stops the server if ctest itself is killed.
# - The server is shared by tests running in parallel (ctest -j): every test must isolate
#   itself in its own schema (postgres_options.schema) or database, and must not stop, restart
#   or reconfigure the shared server.
# - A test that crashes or restarts PostgreSQL starts a private one instead:
#     $AION_TEST_PG_SCRIPT start DIR --owner <its pid>; ... stop-immediate DIR; start-again DIR;
#     ... stop DIR
#   with DIR under $AION_TEST_PG_WORK_DIR (the URL is then in DIR/url).
# - The shared server runs with fsync off (synchronous_commit on): crash-safe for a killed
#   server process, which is what tests exercise; benchmarks start their own with --durable.
set(AION_PG_SCRIPT ${PROJECT_SOURCE_DIR}/scripts/pg-test.sh)
set(AION_PG_WORK_DIR ${CMAKE_BINARY_DIR}/pg-test)
set(AION_PG_SHARED_STATE ${AION_PG_WORK_DIR}/shared)
set(AION_PG_URL_FILE ${AION_PG_SHARED_STATE}/url)
set(AION_PG_TEST_ENV
  "AION_TEST_PG_URL_FILE=${AION_PG_URL_FILE}"
  "AION_TEST_PG_SCRIPT=${AION_PG_SCRIPT}"
  "AION_TEST_PG_WORK_DIR=${AION_PG_WORK_DIR}")

add_test(NAME postgres.start COMMAND ${AION_PG_SCRIPT} start ${AION_PG_SHARED_STATE})
set_tests_properties(postgres.start PROPERTIES FIXTURES_SETUP postgres TIMEOUT 120)
add_test(NAME postgres.stop COMMAND ${AION_PG_SCRIPT} stop ${AION_PG_SHARED_STATE})
set_tests_properties(postgres.stop PROPERTIES FIXTURES_CLEANUP postgres TIMEOUT 60)
