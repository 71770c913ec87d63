#if canImport(Glibc)
    import Glibc
#endif

/// Gives the memory a large request freed back to the system.
///
/// A large document's tree is hundreds of thousands of small blocks; glibc keeps the heap they
/// leave free resident, so after an 80 MB SendDocument the server stayed at ~230 MB, and the
/// next large request's peak came on top of it. glibc's `malloc_trim` returns the free pages
/// (to ~70 MB there). It walks the heap, so only requests this large pay for it.
enum FreedMemory {
    static let threshold = 8 << 20

    static func release(afterRequestOf bytes: Int) {
        guard bytes >= threshold, let trim else { return }
        _ = trim(0)
    }

    /// `malloc_trim` is glibc's own (malloc.h, which the Glibc module leaves out); elsewhere there
    /// is nothing to do.
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
            guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "malloc_trim") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
            return nil
        #endif
    }()
}
