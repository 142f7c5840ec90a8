// SPDX-License-Identifier: GPL-2.0
//
// Linked into memplugctl only when it is built statically (MEMPLUG_STATIC).
//
// libnl's address and protocol helpers call glibc's name lookups, which a
// static glibc can only serve by loading the NSS shared libraries at run
// time, and the linker warns about each. memplugctl never resolves a host
// or protocol name, so these definitions, found before libc.a's, fail
// every such lookup instead, and nothing of NSS is linked in.
#include <netdb.h>

extern "C" {

int getaddrinfo(const char *, const char *, const struct addrinfo *, struct addrinfo **res)
{
	*res = nullptr;
	return EAI_SYSTEM;
}

struct protoent *getprotobyname(const char *)
{
	return nullptr;
}

struct protoent *getprotobynumber(int)
{
	return nullptr;
}

} // extern "C"
