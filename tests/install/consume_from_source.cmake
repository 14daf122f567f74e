# cmake -P script behind the consume_with_add_subdirectory and
# consume_with_fetchcontent tests: configures the consumer with the library
# taken from SOURCE_DIR (this checkout, as it is: nothing is downloaded),
# builds it and runs it.
file(REMOVE_RECURSE "${WORK_DIR}")

include("${CMAKE_CURRENT_LIST_DIR}/../cmake/run.cmake")

run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE}" -B "${WORK_DIR}" -G "${GENERATOR}"
    "-DIPCSOCKET_FROM=${FROM}" "-DIPCSOCKET_SOURCE=${SOURCE_DIR}" "-DWITH_WIDGETS=${WITH_WIDGETS}")
# The consumer and what it links, not the whole of the library's project.
run(${CMAKE_COMMAND} --build "${WORK_DIR}" --target consumer --parallel 2)
run("${WORK_DIR}/consumer")
