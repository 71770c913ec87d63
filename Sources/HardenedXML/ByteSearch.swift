/// Finding bytes in bytes in linear time, whatever they hold: for the MIME boundaries of AS4
/// messages and of uploaded forms, where a body full of near-boundaries must not make the search
/// quadratic.
public enum ByteSearch {
    /// Where `needle` first occurs in `haystack` at or after `from`, by Knuth–Morris–Pratt.
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
            let base = haystack.startIndex
            var matched = 0
            var i = max(0, from - base)
            while i < buffer.count {
                while matched > 0 && buffer[i] != needle[matched] { matched = failure[matched - 1] }
                if buffer[i] == needle[matched] { matched += 1 }
                if matched == needle.count { return (base + i + 1 - needle.count)..<(base + i + 1) }
                i += 1
            }
            return nil
        } ?? nil
    }
}
