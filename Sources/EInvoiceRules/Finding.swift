/// One thing a rule set found in a document.
public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Flag: String, Sendable, Hashable, Codable {
        /// The document is invalid.
        case fatal
        /// The document is valid, but this should be looked at.
        case warning
    }

    /// The rule id as the official artifacts name it: `BR-CO-15`, `BR-NL-1`, `UBL-CR-561`, `XSD`.
    public var ruleID: String
    public var flag: Flag
    /// Where, as an XPath-like path: `/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount`.
    public var location: String
    /// The line of the element in the document, when known.
    public var line: Int?
    public var message: String
    /// The EN 16931 business term or group the rule is about (`BT-115`, `BG-23`), when there is one.
    public var businessTerm: String?

    public init(
        ruleID: String, flag: Flag, location: String, line: Int? = nil, message: String, businessTerm: String? = nil
    ) {
        self.ruleID = ruleID
        self.flag = flag
        self.location = location
        self.line = line
        self.message = message
        self.businessTerm = businessTerm
    }

    public var description: String {
        "\(flag == .fatal ? "error" : "warning") [\(ruleID)] \(message) at \(location)" + (line.map { " (line \($0))" } ?? "")
    }

    /// `BT-115` / `BG-23` as first mentioned in the message.
    static func firstBusinessTerm(in message: String) -> String? {
        let bytes = Array(message.utf8)
        var index = 0
        while index + 3 < bytes.count {
            if bytes[index] == UInt8(ascii: "B"), bytes[index + 1] == UInt8(ascii: "T") || bytes[index + 1] == UInt8(ascii: "G"),
                bytes[index + 2] == UInt8(ascii: "-")
            {
                var end = index + 3
                while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x39 { end += 1 }
                if end > index + 3 { return String(decoding: bytes[index..<end], as: UTF8.self) }
            }
            index += 1
        }
        return nil
    }
}

/// The outcome of validating one document.
public struct ValidationReport: Sendable, Codable, Equatable {
    /// The rule set that was applied (`si-ubl`, `peppol`, `en16931`, `si-ubl-gaccount`).
    public var ruleSet: String
    public var findings: [Finding]

    public init(ruleSet: String, findings: [Finding]) {
        self.ruleSet = ruleSet
        self.findings = findings
    }

    /// Valid: no fatal finding (warnings allowed).
    public var isValid: Bool { !findings.contains { $0.flag == .fatal } }

    public var fatalRuleIDs: Set<String> { Set(findings.filter { $0.flag == .fatal }.map(\.ruleID)) }
    public var warningRuleIDs: Set<String> { Set(findings.filter { $0.flag == .warning }.map(\.ruleID)) }
}
