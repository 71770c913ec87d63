import EInvoice
import Foundation

/// One set of books (an *administratie*), with its e-invoicing settings.
public struct Administration: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var settings: Settings
}

/// The platform connection screen of an administration (Beheer > Administratie > Instellingen >
/// eFactuur > eVerbinding).
public struct Settings: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Gebruik API versie 3.
    public var useAPIv3 = true
    /// SimplerInvoicing version; efactuur writes 2.0.
    public var siVersion = "2.0"
    /// The e-mail address used on the platform.
    public var email: String?
    public var appKey: String?
    public var secret: String?
    public var purchaseFolder: String?
    public var salesFolder: String?
    /// Purchase invoices are fetched from this date on.
    public var fromDate: LocalDate?
    /// The Bedrijfs-ID (XCNL… / XCBE…) the administration sends via.
    public var companyID: String?
    public var sender = Sender()
    /// Gebruik debiteur dossiernummer als KvK.
    public var useDossierAsKvK = false
    /// The platform's base URL (`https://…`).
    public var platformURL: String?

    public init() {}

    /// Every setting but the Secret, which the store keeps apart: no JSON made of the settings
    /// (`settings show --json`, an export, a log line) can carry it.
    private enum CodingKeys: String, CodingKey {
        case useAPIv3, siVersion, email, appKey, purchaseFolder, salesFolder, fromDate, companyID, sender
        case useDossierAsKvK, platformURL
    }

    /// The secret as it may be shown: its first four characters and its length.
    public var maskedSecret: String? {
        secret.map { String($0.prefix(4)) + String(repeating: "•", count: max(0, min($0.count, 32) - 4)) }
    }

    /// For logs and messages: the Secret masked.
    public var description: String {
        "Settings(email: \(email ?? "-"), appKey: \(appKey ?? "-"), secret: \(maskedSecret ?? "-"), "
            + "companyID: \(companyID ?? "-"), platformURL: \(platformURL ?? "-"))"
    }
}

/// The administration's own details as they appear on its invoices.
public struct Sender: Sendable, Codable, Equatable {
    public var name: String?
    public var street: String?
    public var postcode: String?
    public var city: String?
    /// ISO 3166 country code; NL unless set.
    public var country = "NL"
    public var kvk: String?
    public var vat: String?
    /// The account payments go to.
    public var iban: String?

    public init() {}
}

/// A customer (*debiteur*) with the details an e-invoice needs.
public struct Debtor: Sendable, Codable, Equatable {
    public var number: Int
    public var name: String
    public var street: String?
    public var postcode: String?
    public var city: String?
    public var country = "NL"
    /// Where e-invoices go when the platform cannot deliver to an inbox.
    public var email: String?
    /// FAX/OIN: the government organisation identification number.
    public var oin: String?
    /// Dossier/KvK nr.
    public var kvk: String?
    public var vat: String?

    public init(number: Int = 0, name: String) {
        self.number = number
        self.name = name
    }
}

/// A line of a sales invoice.
public struct SalesInvoiceLine: Sendable, Codable, Equatable {
    public var position: Int
    public var description: String
    public var quantity: DecimalNumber?
    public var unitPrice: DecimalNumber?
    public var vatCategory: String
    public var vatRate: DecimalNumber?

    public init(
        position: Int = 0, description: String, quantity: DecimalNumber?, unitPrice: DecimalNumber?,
        vatCategory: String = "S", vatRate: DecimalNumber? = 21
    ) {
        self.position = position
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.vatCategory = vatCategory
        self.vatRate = vatRate
    }

    /// A line a receiver cannot process: no description, or neither a quantity nor an amount.
    public var isEmpty: Bool { !missing.isEmpty }

    /// What the line lacks: "a description", "a quantity or price".
    public var missing: [String] {
        var missing: [String] = []
        if description.trimmingCharacters(in: .whitespaces).isEmpty { missing.append("a description") }
        if (quantity ?? .zero) == .zero && (unitPrice ?? .zero) == .zero { missing.append("a quantity or price") }
        return missing
    }
}

public struct SalesInvoice: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable {
        /// `sending`: claimed by a send that has not finished; no other send starts meanwhile
        /// (one that was cut off is sent again on purpose, `again`).
        case draft, sending, sent
    }

    public var number: String
    public var debtorNumber: Int
    public var issueDate: LocalDate
    public var dueDate: LocalDate?
    /// The buyer's reference (BT-10); the invoice number when the debtor gave none.
    public var reference: String?
    public var lines: [SalesInvoiceLine]
    public var state: State
    /// The ExternalId the platform answered with (tab "Extra").
    public var deliveryID: String?
    public var sentOn: Date?
    /// Why the last send did not succeed.
    public var lastError: String?
    /// Where the sent UBL was written: the exact bytes that went out.
    public var ublPath: String?
    /// SHA-256 of the bytes sent (lower-case hex): the platform and the receiver hold the same.
    public var sha256: String?
    /// Set on a credit note: the number of the sent invoice it credits.
    public var creditedInvoice: String?
    /// How the platform delivered it (ToInbox, ToEmail, ToPeppol), once asked.
    public var route: String?
    /// Every platform status the books have seen, oldest first (tab "Extra").
    public var statuses: [StatusSeen]?

    public var isCreditNote: Bool { creditedInvoice != nil }

    /// The lines' net amounts added up (quantity × price, each to the cent), before allowances
    /// and VAT: what a list sorts and shows.
    public var netAmount: DecimalNumber {
        lines.reduce(DecimalNumber.zero) { $0 + ((($1.quantity ?? .zero) * ($1.unitPrice ?? .zero)).rounded(scale: 2)) }
    }

    /// A draft; an empty `number` takes the next free one when stored.
    public init(
        number: String = "", debtorNumber: Int, issueDate: LocalDate, dueDate: LocalDate? = nil, reference: String? = nil,
        lines: [SalesInvoiceLine] = []
    ) {
        self.number = number
        self.debtorNumber = debtorNumber
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.reference = reference
        self.lines = lines
        state = .draft
    }
}

/// A platform status of a sent invoice as the books saw it: 10 Afgeleverd, 20 Gelezen, ….
public struct StatusSeen: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var changedOn: Date
    /// Who set it, as the platform says (user, account).
    public var by: String?

    public init(code: String, name: String, changedOn: Date, by: String?) {
        self.code = code
        self.name = name
        self.changedOn = changedOn
        self.by = by
    }
}

/// A document fetched from the platform's inbox.
public struct PurchaseInvoice: Sendable, Codable, Equatable {
    public var externalID: String
    public var supplierName: String
    public var number: String
    public var issueDate: String
    public var currency: String
    public var taxExclusiveAmount: String?
    public var taxAmount: String?
    public var payableAmount: String
    /// `valid`, or `invalid: BR-…, …` with the fatal rule ids.
    public var verdict: String
    /// The exact bytes the platform delivered.
    public var ublPath: String
    /// SHA-256 of those bytes (lower-case hex): the same as the sender's.
    public var sha256: String?
    public var pdfPath: String?
    public var receivedOn: Date
    /// Whether the platform was told 30 Verwerkt (retried on the next receive when it could not be).
    public var platformStatusSet: Bool
}

/// What a bookkeeper can do wrong, with a stable code.
public struct BookkeepingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `books.*`, or the platform's or client's own code when the platform refused or could not
    /// be reached.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        public static let administrationExists: Code = "books.administration-exists"
        public static let alreadySent: Code = "books.already-sent"
        public static let debtorExists: Code = "books.debtor-exists"
        public static let emptyLine: Code = "books.empty-line"
        public static let folderUnwritable: Code = "books.folder-unwritable"
        public static let invalidCompanyId: Code = "books.invalid-company-id"
        public static let invalidDate: Code = "books.invalid-date"
        public static let invalidDebtor: Code = "books.invalid-debtor"
        public static let invalidDocument: Code = "books.invalid-document"
        public static let invalidEmail: Code = "books.invalid-email"
        public static let invalidIdentifier: Code = "books.invalid-identifier"
        public static let invalidName: Code = "books.invalid-name"
        public static let invalidNumber: Code = "books.invalid-number"
        public static let invalidUrl: Code = "books.invalid-url"
        public static let noLine: Code = "books.no-line"
        public static let invoiceExists: Code = "books.invoice-exists"
        public static let invoiceIncomplete: Code = "books.invoice-incomplete"
        public static let invoiceSent: Code = "books.invoice-sent"
        public static let noAdministration: Code = "books.no-administration"
        public static let noDebtor: Code = "books.no-debtor"
        public static let noInvoice: Code = "books.no-invoice"
        public static let noLines: Code = "books.no-lines"
        public static let notConfirmed: Code = "books.not-confirmed"
        public static let notSent: Code = "books.not-sent"
        public static let settingsIncomplete: Code = "books.settings-incomplete"
        public static let unsupportedSiVersion: Code = "books.unsupported-si-version"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }

    static func noAdministration(_ name: String) -> BookkeepingError {
        BookkeepingError(.noAdministration, "there is no administration '\(name)'")
    }
    static func noDebtor(_ number: Int) -> BookkeepingError {
        BookkeepingError(.noDebtor, "there is no debtor \(number) in this administration")
    }
    static func noInvoice(_ number: String) -> BookkeepingError {
        BookkeepingError(.noInvoice, "there is no sales invoice '\(number)' in this administration")
    }
}
