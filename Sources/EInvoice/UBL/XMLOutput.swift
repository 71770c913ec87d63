/// Builds indented XML as UTF-8 bytes: start and end tags, text-only elements, escaping.
/// Deterministic: the same calls give the same bytes.
struct XMLOutput {
    private(set) var bytes: [UInt8] = []
    private var depth = 0

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
        append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    }

    mutating func open(_ name: StaticString, attributes: [(StaticString, String)] = []) {
        indent()
        bytes.append(UInt8(ascii: "<"))
        append(name)
        for (attribute, value) in attributes {
            writeAttribute(attribute, value)
        }
        append(">\n")
        depth += 1
    }

    mutating func close(_ name: StaticString) {
        depth -= 1
        indent()
        append("</")
        append(name)
        append(">\n")
    }

    /// `<name a="…">text</name>`; attributes with a nil value are left out.
    mutating func leaf(_ name: StaticString, _ text: String, _ attributes: (StaticString, String?)...) {
        indent()
        bytes.append(UInt8(ascii: "<"))
        append(name)
        for case (let attribute, let value?) in attributes {
            writeAttribute(attribute, value)
        }
        bytes.append(UInt8(ascii: ">"))
        escape(text, quote: false)
        append("</")
        append(name)
        append(">\n")
    }

    /// A number element; the number is formatted straight into the buffer.
    mutating func leaf(_ name: StaticString, _ number: DecimalNumber, _ attributes: (StaticString, String?)...) {
        indent()
        bytes.append(UInt8(ascii: "<"))
        append(name)
        for case (let attribute, let value?) in attributes {
            writeAttribute(attribute, value)
        }
        bytes.append(UInt8(ascii: ">"))
        number.appendText(to: &bytes)
        append("</")
        append(name)
        append(">\n")
    }

    private mutating func writeAttribute(_ name: StaticString, _ value: String) {
        bytes.append(UInt8(ascii: " "))
        append(name)
        append("=\"")
        escape(value, quote: true)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func indent() {
        for _ in 0..<depth {
            bytes.append(UInt8(ascii: " "))
            bytes.append(UInt8(ascii: " "))
        }
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func escape(_ text: String, quote: Bool) {
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let replacement: StaticString
                switch utf8[index] {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\"") where quote: replacement = "&quot;"
                case UInt8(ascii: "\r"): replacement = "&#13;"
                case UInt8(ascii: "\n") where quote: replacement = "&#10;"
                case UInt8(ascii: "\t") where quote: replacement = "&#9;"
                case 0x00...0x08, 0x0B, 0x0C, 0x0E...0x1F: replacement = ""  // not representable in XML 1.0
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                append(replacement)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
    }
}
