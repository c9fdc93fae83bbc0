/*
 * Litmus operations as text, for the tables and docs/litmus.md: one string
 * literal per operation, each ending in "\n", so a thread's body becomes one
 * literal. LITMUS_TEXT_ARM selects the AArch64 spelling, else x86-64. Must
 * match ops-arm64.h and ops-x86_64.h.
 */
#undef ST
#undef LD
#undef STREL
#undef LDACQ
#undef MB
#undef LOCKMB
#undef WMB
#undef RMB
#undef LD_ADDR
#undef ST_DATA
#undef ST_CTRL
#undef SWP

#ifdef LITMUS_TEXT_ARM
#define ST(l, v) "STR " #v ",[" #l "]\n"
#define LD(r, l) "LDR " #r ",[" #l "]\n"
#define STREL(l, v) "STLR " #v ",[" #l "]\n"
#define LDACQ(r, l) "LDAR " #r ",[" #l "]\n"
#define MB "DMB ISH\n"
#define LOCKMB "DMB ISH\n"
#define WMB "DMB ISHST\n"
#define RMB "DMB ISHLD\n"
#define LD_ADDR(r, l, d) "EOR t," #d "," #d "\n" "LDR " #r ",[" #l "+t]\n"
#define ST_DATA(l, v, d) "EOR t," #d "," #d "\n" "ADD t,t," #v "\n" "STR t,[" #l "]\n"
#define ST_CTRL(l, v, d) "CBNZ " #d ",L\n" "L: STR " #v ",[" #l "]\n"
#define SWP(r, l, v) "L: LDXR " #r ",[" #l "]\n" "STXR s," #v ",[" #l "]\n" "CBNZ s,L\n"
#else
#define ST(l, v) "MOV [" #l "]," #v "\n"
#define LD(r, l) "MOV " #r ",[" #l "]\n"
#define STREL(l, v) ST(l, v)
#define LDACQ(r, l) LD(r, l)
#define MB "MFENCE\n"
#define LOCKMB "LOCK OR [rsp],0\n"
#define WMB "(compiler barrier)\n"
#define RMB "(compiler barrier)\n"
#define LD_ADDR(r, l, d) "MOV t," #d "\n" "XOR t," #d "\n" "MOV " #r ",[" #l "+t]\n"
#define ST_DATA(l, v, d) "MOV t," #d "\n" "XOR t," #d "\n" "ADD t," #v "\n" "MOV [" #l "],t\n"
#define ST_CTRL(l, v, d) "TEST " #d "," #d "\n" "JNZ L\n" "L: MOV [" #l "]," #v "\n"
#define SWP(r, l, v) "MOV " #r "," #v "\n" "XCHG [" #l "]," #r "\n"
#endif
