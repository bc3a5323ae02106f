# quarry_add_plugin(<engine> SOURCES <files...> [LIBRARIES <libs...>])
#
# Builds the dialect plugin for <engine> as libquarry_<engine>.so: a MODULE library
# against the header-only quarry::plugin_sdk (never quarry::core), placed where the
# loader looks and installed into lib/quarry/plugins. Used for the plugins in this tree
# and, through find_package(quarry), by plugins built outside it.
#
# quarry_add_cache_plugin(<backend> SOURCES <files...> [LIBRARIES <libs...>])
#
# The same for a query cache store, libquarry_cache_<backend>.so
# (quarry/plugin/cache_abi.h), exporting the cache entry point instead.

# The one set-up both kinds share: a module exporting exactly `entry`.
function(quarry_add_module target entry)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE quarry::plugin_sdk ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME ${target}
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # Export exactly one symbol, the entry point: nothing else of the plugin (nor of the
  # C++ runtime it instantiates) can clash with the core or another plugin.
  set(map "${CMAKE_CURRENT_BINARY_DIR}/${target}.map")
  file(WRITE "${map}" "{ global: ${entry}; local: *; };\n")
  target_link_options(${target} PRIVATE "LINKER:--version-script=${map}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${map}")
  if(DEFINED QUARRY_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${QUARRY_PLUGIN_OUTPUT_DIR}")
  endif()
  if(DEFINED QUARRY_INSTALL_PLUGINDIR)
    install(TARGETS ${target} LIBRARY DESTINATION "${QUARRY_INSTALL_PLUGINDIR}")
  endif()
endfunction()

function(quarry_add_plugin engine)
  quarry_add_module(quarry_${engine} quarry_plugin_entry ${ARGN})
endfunction()

function(quarry_add_cache_plugin backend)
  quarry_add_module(quarry_cache_${backend} quarry_cache_plugin_entry ${ARGN})
endfunction()
