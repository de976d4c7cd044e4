#ifndef CVCONFORM_CLIBXML2_SHIM_H
#define CVCONFORM_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU; its headers then declare UErrorCode, which
// clashes with Foundation's copy in any module that sees both. Nothing here
// touches the ICU fields, so the declarations are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#include <libxml/relaxng.h>
#include <libxml/xmlschemas.h>

// xmlFree is a global function pointer, which Swift 6 treats as shared
// mutable state; a static inline wrapper keeps callers concurrency-clean.
static inline void cvc_xmlFree(void *pointer) { xmlFree(pointer); }

// libxml2 reports a few failures only through its generic handler, a C
// variadic function Swift cannot write: "xmlParseChunk: encoder error",
// after the structured handler has reported the input error. The reader
// silences it around each parse call, on its own thread.
static void cvc_silentGenericError(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}
// Silences (1) or restores (0) the generic handler of this thread; what it
// was is kept here, not nested.
static inline void cvc_silenceGenericErrorsSwitch(int silence) {
    static _Thread_local xmlGenericErrorFunc saved;
    static _Thread_local void *savedContext;
    if (silence) {
        saved = *__xmlGenericError();
        savedContext = *__xmlGenericErrorContext();
        xmlSetGenericErrorFunc(NULL, cvc_silentGenericError);
    } else {
        xmlSetGenericErrorFunc(savedContext, saved);
    }
}
static inline void cvc_silenceGenericErrors(void) { cvc_silenceGenericErrorsSwitch(1); }
static inline void cvc_restoreGenericErrors(void) { cvc_silenceGenericErrorsSwitch(0); }

#endif
