/* The C side of the C++ adapters: the adapter contract (../c/contract.h, C) around the
 * adapter_decode / adapter_encode a C++ file defines with C linkage. */
#include "../c/contract.h"

int main(int argc, char **argv) { return contract_main(argc, argv); }
