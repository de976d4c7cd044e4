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

#endif
