# Read by ctest after the backend tests are discovered (tests/CMakeLists.txt): labels the
# replication tests of each backend `replica`, and its query cache tests on Redis `redis`,
# as well as with their backend's name.
foreach(backend sqlite postgres mysql featureless)
  if(quarry_replica_tests_${backend})
    set_tests_properties(${quarry_replica_tests_${backend}} PROPERTIES LABELS "${backend};replica")
  endif()
  if(quarry_redis_tests_${backend})
    set_tests_properties(${quarry_redis_tests_${backend}} PROPERTIES LABELS "${backend};redis")
  endif()
endforeach()
