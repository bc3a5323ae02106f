# Read by ctest after the backend tests are discovered (tests/CMakeLists.txt): labels the
# replication tests of each backend `replica` as well as with their backend's name.
foreach(backend sqlite postgres mysql featureless)
  if(quarry_replica_tests_${backend})
    set_tests_properties(${quarry_replica_tests_${backend}} PROPERTIES LABELS "${backend};replica")
  endif()
endforeach()
