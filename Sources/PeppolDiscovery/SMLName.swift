import Crypto
import HardenedXML

/// A Peppol participant identifier, `scheme:value` in the `iso6523-actorid-upis` scheme
/// (`0106:12345678` for a KvK number, `0208:0123456789` for a KBO number).
public struct ParticipantID: Hashable, Sendable, CustomStringConvertible {
    /// The ISO 6523 ICD, four digits.
    public var icd: String
    public var value: String

    /// Reads `0106:12345678`, also with the `iso6523-actorid-upis::` prefix of SMP URLs.
    public init?(_ text: String) {
        var text = Substring(text)
        if text.lowercased().hasPrefix(PeppolScheme.participant + "::") { text = text.dropFirst(PeppolScheme.participant.count + 2) }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let icd = text[..<colon]
        let value = text[text.index(after: colon)...]
        guard icd.count == 4, icd.allSatisfy(\.isASCII), icd.allSatisfy(\.isNumber), !value.isEmpty, value.utf8.count <= 50,
            value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return nil }
        self.icd = String(icd)
        self.value = String(value)
    }

    public var description: String { "\(icd):\(value)" }
}

public enum PeppolScheme {
    public static let participant = "iso6523-actorid-upis"
    public static let document = "busdox-docid-qns"
    public static let process = "cenbii-procid-ubl"
}

/// The DNS names under which the Peppol SML publishes a participant.
public enum SMLName {
    public static let productionZone = "participant.sml.prod.tech.peppol.org"
    public static let testZone = "participant.sml.test.tech.peppol.org"

    /// The current scheme, looked up as a U-NAPTR record with service `Meta:SMP`:
    /// base32 (lower case, no padding) of SHA-256 of the lower-cased `scheme:value`.
    public static func naptrName(_ participant: ParticipantID, zone: String) -> String {
        let digest = SHA256.hash(data: Array(participant.description.lowercased().utf8))
        return base32(Array(digest)) + "." + PeppolScheme.participant + "." + zone
    }

    /// The older scheme, still met: `B-` and the MD5 hex of the lower-cased `scheme:value`,
    /// resolved by CNAME or A record to the SMP host.
    public static func legacyName(_ participant: ParticipantID, zone: String) -> String {
        let digest = Insecure.MD5.hash(data: Array(participant.description.lowercased().utf8))
        return "B-" + digest.lowercaseHex + "." + PeppolScheme.participant + "." + zone
    }

    /// RFC 4648 base32, lower case, without padding.
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var result = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                result.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { result.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return result
    }
}
