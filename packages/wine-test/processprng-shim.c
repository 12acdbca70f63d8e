/*
 * bcryptprimitives.dll for Wine 8, test use only (never shipped).
 *
 * Rust's std (>= 1.78) imports ProcessPrng from bcryptprimitives.dll, which
 * Windows 10+ has and Wine 8 lacks ("Module not found" when node.exe loads the
 * addon). This DLL, put into the Wine prefix's system32, exports ProcessPrng
 * filling the buffer through advapi32's RtlGenRandom (SystemFunction036).
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
