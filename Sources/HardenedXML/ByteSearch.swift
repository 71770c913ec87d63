#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finding bytes in bytes in linear time, whatever they hold: for the MIME boundaries of AS4
/// messages and of uploaded forms, where a body full of near-boundaries must not make the search
/// quadratic.
public enum ByteSearch {
    /// Where `needle` first occurs in `haystack` at or after `from`, by Knuth–Morris–Pratt.
    /// Between partial matches `memchr` skips to the next byte that can start one, so the usual
    /// body (few near-boundaries) is crossed at memory speed and a hostile one stays linear.
    public static func firstRange<Bytes: RandomAccessCollection<UInt8>>(of needle: [UInt8], in haystack: Bytes, from: Int) -> Range<Int>?
    where Bytes.Index == Int {
        guard !needle.isEmpty else { return nil }
        // failure[i]: the length of the longest proper prefix of needle[...i] that is also its suffix.
        var failure = [Int](repeating: 0, count: needle.count)
        var k = 0
        for i in 1..<max(needle.count, 1) {
            while k > 0 && needle[i] != needle[k] { k = failure[k - 1] }
            if needle[i] == needle[k] { k += 1 }
            failure[i] = k
        }
        return haystack.withContiguousStorageIfAvailable { buffer -> Range<Int>? in
            guard let bytes = buffer.baseAddress else { return nil }
            return needle.withUnsafeBufferPointer { needle in
                failure.withUnsafeBufferPointer { failure in
                    let base = haystack.startIndex
                    let first = Int32(needle[0])
                    var matched = 0
                    var i = max(0, from - base)
                    while i < buffer.count {
                        if matched == 0 {
                            guard let next = memchr(bytes + i, first, buffer.count - i) else { return nil }
                            i = bytes.distance(to: next.assumingMemoryBound(to: UInt8.self))
                        }
                        let byte = bytes[i]
                        while matched > 0 && byte != needle[matched] { matched = failure[matched - 1] }
                        if byte == needle[matched] { matched += 1 }
                        if matched == needle.count { return (base + i + 1 - needle.count)..<(base + i + 1) }
                        i += 1
                    }
                    return nil
                }
            }
        } ?? nil
    }
}
