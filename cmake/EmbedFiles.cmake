# Compiles text files (the content pack) into the binary as string constants, so that
# the built-in pack and the files in content/ are one source of truth.
function(aihunt_embed_files target namespace)
  set(out_cpp ${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cpp)
  set(inputs ${ARGN})
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DNAMESPACE=${namespace}
            -DINPUTS="${inputs}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${inputs} ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding content files into ${target}")
  target_sources(${target} PRIVATE ${out_cpp})
endfunction()
