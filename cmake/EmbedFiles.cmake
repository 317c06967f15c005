# nixcc_embed_files(<output .cpp> <function> <base dir> <files...>): generates, at build time, a C++
# file defining `const std::vector<nixcc::EmbeddedFile>& <function>()` over <files...>. Editing one
# of them regenerates it.
function(nixcc_embed_files out function base)
  set(files ${ARGN})
  list(SORT files)
  string(REPLACE ";" "|" file_arg "${files}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} "-DFILES=${file_arg}" -DBASE=${base} -DFUNCTION=${function}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${function}"
    VERBATIM)
endfunction()
