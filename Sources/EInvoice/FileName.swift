/// File names made from values a document supplies (an invoice number, a supplier's name, an
/// attachment's filename): whatever the sender wrote, the result is one harmless name.
public enum FileName {
    /// The longest name made, in UTF-8 bytes: below the 255 of common file systems, with room for a
    /// distinguisher and a temporary suffix of an atomic write.
    public static let maxBytes = 160

    /// `name` as a single file name: no path separators, no control or reserved characters, no
    /// leading dots or spaces, at most ``maxBytes`` bytes with its extension kept. With a
    /// `distinguisher`, ` (distinguisher)` goes before the extension, inside the same bound.
    public static func safe(_ name: String, distinguisher: String = "") -> String {
        var (stem, suffix) = split(clean(name))
        let extra = distinguisher.isEmpty ? "" : " (\(truncated(clean(distinguisher), toBytes: maxBytes / 2)))"
        suffix = truncated(suffix, toBytes: 16)
        stem = truncated(stem, toBytes: maxBytes - extra.utf8.count - suffix.utf8.count)
        stem = String(stem.reversed().drop { $0 == " " || $0 == "." }.reversed())
        if stem.isEmpty { stem = "document" }
        return stem + extra + suffix
    }

    /// The characters no file system or shell should get from a sender, replaced by `_`.
    private static func clean(_ name: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF:
                result.append("_")  // control characters, line separators, bidirectional overrides
            default:
                result.append("/\\:*?\"<>|".unicodeScalars.contains(scalar) ? "_" : scalar)
            }
        }
        let cleaned = Substring(String(result)).drop { $0 == "." || $0 == " " || $0 == "-" }
        return String(cleaned.reversed().drop { $0 == " " }.reversed())
    }

    /// The stem and the extension with its dot (`("F-1", ".xml")`); an extension is short.
    private static func split(_ name: String) -> (String, String) {
        guard let dot = name.lastIndex(of: "."), name.distance(from: dot, to: name.endIndex) <= 8 else { return (name, "") }
        return (String(name[..<dot]), String(name[dot...]))
    }

    /// The longest prefix of whole characters within `limit` UTF-8 bytes.
    private static func truncated(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var bytes = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            if bytes + size > limit { break }
            bytes += size
            end = text.index(after: index)
        }
        return String(text[..<end])
    }
}
