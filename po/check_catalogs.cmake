# ctest script: fails when a catalog lacks a translation of a string of the sources, or has a
# fuzzy or untranslated entry. Arguments: XGETTEXT, MSGFMT, MSGCMP, XGETTEXT_ARGS and SOURCES
# (lists joined with '|'), PO_DIR, LANGUAGES, WORK_DIR.
string(REPLACE "|" ";" XGETTEXT_ARGS "${XGETTEXT_ARGS}")
string(REPLACE "|" ";" SOURCES "${SOURCES}")
set(pot "${WORK_DIR}/check.pot")
execute_process(
    COMMAND ${XGETTEXT} ${XGETTEXT_ARGS} -o "${pot}" ${SOURCES}
    RESULT_VARIABLE result ERROR_VARIABLE error)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "xgettext failed: ${error}")
endif()
foreach(lang IN LISTS LANGUAGES)
    set(po "${PO_DIR}/${lang}.po")
    # msgcmp fails for every msgid of the sources that the catalog lacks or leaves untranslated.
    execute_process(
        COMMAND ${MSGCMP} "${po}" "${pot}"
        RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${lang}.po does not translate every string of the sources:\n"
                            "${output}${error}")
    endif()
    execute_process(
        COMMAND ${MSGFMT} --check --statistics -o /dev/null "${po}"
        RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE statistics)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "msgfmt rejects ${lang}.po:\n${output}${statistics}")
    endif()
    if(statistics MATCHES "fuzzy|untranslated")
        message(FATAL_ERROR "${lang}.po: ${statistics}")
    endif()
    if(NOT statistics MATCHES "[0-9]+ translated message")
        message(FATAL_ERROR "${lang}.po: no translated messages: ${statistics}")
    endif()
    message(STATUS "${lang}.po: ${statistics}")
endforeach()
