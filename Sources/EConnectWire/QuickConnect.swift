import Foundation

/// The Quick Connect text the platform puts on the clipboard with a new connection key:
/// `APP_KEY:{key};SECRET_KEY:{secret};EMAIL_ID:{email};COMPANY_ID:{XCNL…};`.
public struct QuickConnect: Sendable, Equatable, CustomStringConvertible {
    public var appKey: String
    public var secret: String
    public var email: String?
    public var companyID: String?

    public init(appKey: String, secret: String, email: String? = nil, companyID: String? = nil) {
        self.appKey = appKey
        self.secret = secret
        self.email = email
        self.companyID = companyID
    }

    /// Parses pasted text: `NAME:value` pairs split by `;`, names in any case, white space and line
    /// breaks around them ignored, the trailing `;` optional. APP_KEY and SECRET_KEY are required.
    public init(parsing text: String) throws(QuickConnectError) {
        var fields: [String: String] = [:]
        for segment in text.split(separator: ";") {
            let pair = segment.trimmingCharacters(in: .whitespacesAndNewlines)
            if pair.isEmpty { continue }
            guard let colon = pair.firstIndex(of: ":") else {
                throw QuickConnectError(message: "'\(pair)' is not of the form NAME:value")
            }
            let name = pair[..<colon].trimmingCharacters(in: .whitespaces).uppercased()
            let value = pair[pair.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields[name] = value
        }
        guard let appKey = fields["APP_KEY"], !appKey.isEmpty else {
            throw QuickConnectError(message: "the Quick Connect text has no APP_KEY")
        }
        guard let secret = fields["SECRET_KEY"], !secret.isEmpty else {
            throw QuickConnectError(message: "the Quick Connect text has no SECRET_KEY")
        }
        self.init(
            appKey: appKey, secret: secret, email: fields["EMAIL_ID"].flatMap { $0.isEmpty ? nil : $0 },
            companyID: fields["COMPANY_ID"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The text to paste into the books, Secret included: show it once, never log it.
    public var text: String {
        "APP_KEY:\(appKey);SECRET_KEY:\(secret);EMAIL_ID:\(email ?? "");COMPANY_ID:\(companyID ?? "");"
    }

    /// The same with the Secret masked, for logs and string interpolation.
    public var description: String {
        "APP_KEY:\(appKey);SECRET_KEY:****;EMAIL_ID:\(email ?? "");COMPANY_ID:\(companyID ?? "");"
    }
}

public struct QuickConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The text is not a Quick Connect text.
        public static let invalid: Code = "quickconnect.invalid"
    }

    public let code = Code.invalid
    public var message: String
    public var description: String { "\(message) [\(code)]" }
}
