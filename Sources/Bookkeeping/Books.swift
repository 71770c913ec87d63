import Crypto
import EConnectClient
import EConnectWire
import EInvoice
import EInvoiceRules
import Foundation
import HardenedXML

/// What a bookkeeper does with efactuur: set up administrations, debtors and invoices, and send
/// and receive through the platform's native API v3.
public struct Books: Sendable {
    public let store: BooksStore
    /// How the platform client retries; tests make it quick.
    public var retry: EConnectClient.RetryPolicy
    public var clock: @Sendable () -> Date

    public init(store: BooksStore, retry: EConnectClient.RetryPolicy = .init(), clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.retry = retry
        self.clock = clock
    }

    // MARK: Setup

    /// Applies a Quick Connect text: App Key, Secret, e-mail address and Bedrijfs-ID at once.
    public static func apply(quickConnect text: String, to settings: inout Settings) throws {
        let quickConnect: QuickConnect
        do {
            quickConnect = try QuickConnect(parsing: text)
        } catch {
            throw BookkeepingError(.init(rawValue: error.code.rawValue), error.message)
        }
        settings.appKey = quickConnect.appKey
        settings.secret = quickConnect.secret
        if let email = quickConnect.email { settings.email = email }
        if let companyID = quickConnect.companyID { settings.companyID = companyID }
    }

    /// Checks and stores an administration's e-invoicing settings: a Bedrijfs-ID starts with XC,
    /// SimplerInvoicing is 2.0, the platform URL is http(s), folders become absolute paths, the
    /// IBAN loses its spaces; empty texts count as not set.
    @discardableResult
    public func saveSettings(_ settings: Settings, administration: Administration) throws -> Settings {
        var settings = settings
        for keyPath in [
            \Settings.email, \Settings.appKey, \Settings.secret, \Settings.purchaseFolder, \Settings.salesFolder, \Settings.companyID,
            \Settings.platformURL, \Settings.sender.name, \Settings.sender.street, \Settings.sender.postcode, \Settings.sender.city,
            \Settings.sender.kvk, \Settings.sender.vat, \Settings.sender.iban,
        ] {
            settings[keyPath: keyPath] = settings[keyPath: keyPath]?.trimmed.nilIfEmpty
        }
        if let companyID = settings.companyID {
            guard companyID.uppercased().hasPrefix("XC") else {
                throw BookkeepingError(.invalidCompanyId, "'\(companyID)' is not a Bedrijfs-ID (XCNL… or XCBE…)")
            }
            settings.companyID = companyID.uppercased()
        }
        guard settings.siVersion == "2.0" else {
            throw BookkeepingError(.unsupportedSiVersion, "SimplerInvoicing version must be 2.0")
        }
        if let text = settings.platformURL {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw BookkeepingError(.invalidUrl, "the platform URL '\(text)' is not an http(s) URL")
            }
        }
        settings.purchaseFolder = settings.purchaseFolder.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        settings.salesFolder = settings.salesFolder.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        settings.sender.iban = settings.sender.iban?.replacingOccurrences(of: " ", with: "")
        settings.sender.country = settings.sender.country.trimmed.uppercased()
        try store.saveSettings(settings, administration: administration.id)
        return settings
    }

    /// Stores a debtor after checking its OIN (20 digits) and KvK number (8 digits) and its
    /// e-mail address; number 0 takes the next free number.
    public func addDebtor(_ debtor: Debtor, administration: Administration) throws -> Debtor {
        try store.addDebtor(try Self.checked(debtor), administration: administration.id)
    }

    /// Changes a debtor's details, checked as when it was added; its number stays.
    public func updateDebtor(_ debtor: Debtor, administration: Administration) throws -> Debtor {
        try store.updateDebtor(try Self.checked(debtor), administration: administration.id)
    }

    static func checked(_ debtor: Debtor) throws -> Debtor {
        var debtor = debtor
        debtor.name = debtor.name.trimmed
        guard !debtor.name.isEmpty else { throw BookkeepingError(.invalidDebtor, "a debtor needs a name") }
        for (scheme, field, value) in [("0190", "OIN", debtor.oin), ("0106", "Dossier/KvK nr", debtor.kvk)] {
            guard let value = value?.trimmed, !value.isEmpty else { continue }
            do {
                _ = try PartyIdentifier(scheme: scheme, value: value)
            } catch {
                throw BookkeepingError(.invalidIdentifier, "\(field): \(error.message)")
            }
        }
        if let email = debtor.email?.trimmed, !email.isEmpty {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(where: { $0.isWhitespace || $0.isNewline })
            else { throw BookkeepingError(.invalidEmail, "'\(email)' is not an e-mail address") }
            debtor.email = email
        } else {
            debtor.email = nil
        }
        for keyPath in [\Debtor.street, \Debtor.postcode, \Debtor.city, \Debtor.oin, \Debtor.kvk, \Debtor.vat] {
            debtor[keyPath: keyPath] = debtor[keyPath: keyPath]?.trimmed.nilIfEmpty
        }
        debtor.country = debtor.country.trimmed.uppercased()
        guard debtor.country.count == 2, debtor.country.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw BookkeepingError(.invalidDebtor, "the country '\(debtor.country)' is not a two-letter code (NL, BE, …)")
        }
        return debtor
    }

    // MARK: Invoices

    /// A new draft invoice for a debtor: dated today unless `issueDate` says otherwise, due 30
    /// days later unless `dueDate` says otherwise (and never before it is issued).
    public func createInvoice(
        debtor: Int, number: String? = nil, issueDate: LocalDate? = nil, dueDate: LocalDate? = nil, reference: String? = nil,
        administration: Administration
    ) throws -> SalesInvoice {
        _ = try store.debtor(debtor, administration: administration.id)
        let issued = issueDate ?? LocalDate.today
        let due = dueDate ?? issued.adding(days: 30)
        guard due >= issued else {
            throw BookkeepingError(.invalidDate, "the due date \(due) is before the invoice date \(issued)")
        }
        return try store.addInvoice(
            SalesInvoice(
                number: number?.trimmed ?? "", debtorNumber: debtor, issueDate: issued, dueDate: due, reference: reference?.trimmed.nilIfEmpty),
            administration: administration.id)
    }

    /// A line as a bookkeeper types it: numbers as text, the VAT rate in percent, the category
    /// from the rate unless given (0% is Z, zero rated; any other rate S, standard). Whether it
    /// may be saved (not empty) is for ``addLine(_:invoice:administration:)`` and
    /// ``changeLine(_:to:invoice:administration:)`` to say, which know its number.
    public static func line(
        description: String, quantity: String, price: String, vatRate: String = "21", vatCategory: String? = nil
    ) throws -> SalesInvoiceLine {
        func number(_ text: String, _ field: String) throws -> DecimalNumber? {
            let text = text.trimmed.replacingOccurrences(of: ",", with: ".")
            if text.isEmpty { return nil }
            guard let value = DecimalNumber(parsing: text) else {
                throw BookkeepingError(.invalidNumber, "\(field) '\(text)' is not a number")
            }
            return value
        }
        let rate = try number(vatRate, "the VAT rate") ?? .zero
        let category = vatCategory?.trimmed.uppercased().nilIfEmpty ?? (rate == .zero ? "Z" : "S")
        guard VATCategory(rawValue: category) != nil else {
            throw BookkeepingError(.invalidNumber, "'\(category)' is not a VAT category (S, Z, E, AE, K, G, O)")
        }
        return SalesInvoiceLine(
            description: description.trimmed, quantity: try number(quantity, "the quantity"), unitPrice: try number(price, "the price"),
            vatCategory: category, vatRate: rate)
    }

    /// Adds a line at the end of a draft invoice. An empty line is refused, naming what it lacks.
    public func addLine(_ line: SalesInvoiceLine, invoice number: String, administration: Administration) throws -> SalesInvoice {
        try changingDraft(number, administration) { invoice in
            var line = line
            line.position = (invoice.lines.map(\.position).max() ?? 0) + 1
            try Self.refuseEmpty(line)
            invoice.lines.append(line)
        }
    }

    /// Replaces line `position` of a draft invoice.
    public func changeLine(
        _ position: Int, to line: SalesInvoiceLine, invoice number: String, administration: Administration
    ) throws -> SalesInvoice {
        try changingDraft(number, administration) { invoice in
            guard let index = invoice.lines.firstIndex(where: { $0.position == position }) else {
                throw BookkeepingError(.noLine, "invoice \(number) has no line \(position)")
            }
            var line = line
            line.position = position
            try Self.refuseEmpty(line)
            invoice.lines[index] = line
        }
    }

    /// Removes line `position` of a draft invoice; the other lines keep their numbers.
    public func removeLine(_ position: Int, invoice number: String, administration: Administration) throws -> SalesInvoice {
        try changingDraft(number, administration) { invoice in
            guard let index = invoice.lines.firstIndex(where: { $0.position == position }) else {
                throw BookkeepingError(.noLine, "invoice \(number) has no line \(position)")
            }
            invoice.lines.remove(at: index)
        }
    }

    /// Deletes an invoice that has not been sent; a sent one is part of the books for good
    /// (credit it instead).
    public func deleteInvoice(_ number: String, administration: Administration) throws {
        try store.deleteInvoice(number, administration: administration.id) { invoice in
            guard invoice.state == .draft else {
                throw BookkeepingError(.invoiceSent, "invoice \(number) has been sent and cannot be deleted; credit it instead")
            }
        }
    }

    /// A draft credit note for a sent invoice: the same debtor and lines, referring to it (a
    /// UBL CreditNote, type 381, with the invoice as preceding invoice); sent the same way.
    public func creditInvoice(_ number: String, administration: Administration) throws -> SalesInvoice {
        let original = try store.invoice(number, administration: administration.id)
        guard original.state == .sent else {
            throw BookkeepingError(.notSent, "invoice \(number) has not been sent; change or delete it instead of crediting it")
        }
        guard !original.isCreditNote else {
            throw BookkeepingError(.invalidDocument, "\(number) is itself a credit note")
        }
        if let earlier = try store.creditNote(for: number, administration: administration.id) {
            throw BookkeepingError(.invoiceExists, "invoice \(number) is credited already by \(earlier)")
        }
        let issued = LocalDate.today
        var credit = SalesInvoice(
            number: "", debtorNumber: original.debtorNumber, issueDate: max(issued, original.issueDate),
            dueDate: nil, reference: original.reference ?? original.number, lines: original.lines)
        credit.creditedInvoice = original.number
        return try store.addInvoice(credit, administration: administration.id)
    }

    private func changingDraft(
        _ number: String, _ administration: Administration, _ change: (inout SalesInvoice) throws -> Void
    ) throws -> SalesInvoice {
        try store.updateInvoice(number, administration: administration.id) { invoice in
            guard invoice.state == .draft else {
                throw BookkeepingError(.invoiceSent, "invoice \(number) has been sent; its lines cannot change")
            }
            try change(&invoice)
        }
    }

    private static func refuseEmpty(_ line: SalesInvoiceLine) throws {
        guard line.missing.isEmpty else {
            throw BookkeepingError(
                .emptyLine, "line \(line.position) cannot be saved: it needs \(line.missing.joined(separator: " and "))")
        }
    }

    /// What stands between a prepared invoice and sending it, in the bookkeeper's words
    /// ("debiteur 1001 heeft geen adres"), to show before any confirmation: the debtor's address,
    /// then whatever SI-UBL 2.0 validation still finds. Empty when it can go. (The settings and
    /// the lines are checked by ``prepareSend(_:administration:)`` already.)
    public func problems(_ preview: SendPreview) -> [String] {
        let debtor = preview.debtor
        var address: [String] = []
        if debtor.street == nil { address.append("straat") }
        if debtor.postcode == nil { address.append("postcode") }
        if debtor.city == nil { address.append("plaats") }
        if address.count == 3 { return ["debiteur \(debtor.number) heeft geen adres"] }
        if !address.isEmpty { return ["debiteur \(debtor.number) heeft geen \(address.joined(separator: " en "))"] }
        return preview.report.findings.filter { $0.flag == .fatal }.map { "\($0.message) [\($0.ruleID)]" }
    }

    /// The SI-UBL 2.0 document an invoice is sent as, with its computed totals (`debtor` is the
    /// invoice's, which the caller has read already).
    public func document(_ invoice: SalesInvoice, debtor: Debtor, administration: Administration) throws -> Invoice {
        try SalesInvoiceDocument.make(invoice, debtor: debtor, settings: administration.settings)
    }

    // MARK: Sending

    /// Everything the confirmation shows, and the document that will go out.
    public struct SendPreview: Sendable {
        public var invoice: SalesInvoice
        public var debtor: Debtor
        public var identifier: PartyIdentifier
        /// The address the platform mails it to when the receiver has no inbox.
        public var email: String?
        public var document: Invoice
        /// The SI-UBL 2.0 document exactly as it is sent and archived (its root element, no XML
        /// declaration: it travels inside the SOAP envelope).
        public var ubl: [UInt8]
        public var report: ValidationReport
        /// SHA-256 of `ubl`.
        public var sha256: String
    }

    /// Checks the invoice and the settings, writes the SI-UBL 2.0 document and validates it
    /// locally. Nothing is sent.
    public func prepareSend(_ number: String, again: Bool = false, administration: Administration) throws -> SendPreview {
        let settings = administration.settings
        let missing = Self.missingSettings(settings)
        guard missing.isEmpty else {
            throw BookkeepingError(
                .settingsIncomplete,
                "the administration's e-invoicing settings lack: \(missing.joined(separator: ", "))")
        }
        guard settings.siVersion == "2.0" else {
            throw BookkeepingError(
                .unsupportedSiVersion, "SimplerInvoicing version \(settings.siVersion) is not supported; set 2.0")
        }
        let invoice = try store.invoice(number, administration: administration.id)
        try Self.refuseResend(invoice, again: again)
        guard !invoice.lines.isEmpty else {
            throw BookkeepingError(.noLines, "invoice \(number) has no lines")
        }
        if let empty = invoice.lines.first(where: \.isEmpty) {
            throw BookkeepingError(
                .emptyLine,
                "invoice \(number) line \(empty.position) is empty (it needs a description and a quantity or amount); "
                    + "remove it or fill it in before sending")
        }
        let debtor = try store.debtor(invoice.debtorNumber, administration: administration.id)
        let document = try self.document(invoice, debtor: debtor, administration: administration)
        let ubl = Array(try SendDocumentRequest.payload(UBLWriter().write(document)).utf8)
        return SendPreview(
            invoice: invoice, debtor: debtor, identifier: debtor.identifier(useDossierAsKvK: settings.useDossierAsKvK),
            email: debtor.email, document: document, ubl: ubl, report: try Validator(ruleSet: .siUBL).validate(ubl),
            sha256: Self.sha256(ubl))
    }

    private static func refuseResend(_ invoice: SalesInvoice, again: Bool) throws {
        if invoice.state == .sending && !again {
            throw BookkeepingError(
                .alreadySent, "invoice \(invoice.number) is being sent, or a send of it was cut off; send it again only on purpose (--again)")
        }
        guard invoice.state == .sent && !again else { return }
        throw BookkeepingError(
            .alreadySent,
            "invoice \(invoice.number) was sent on \(invoice.sentOn.map { ISO8601DateFormatter().string(from: $0) } ?? "?") "
                + "with Delivery ID \(invoice.deliveryID ?? "?"); send it again only on purpose (--again)")
    }

    static func missingSettings(_ settings: Settings) -> [String] {
        var missing: [String] = []
        if !settings.useAPIv3 { missing.append("Gebruik API versie 3 (--use-api-v3 on)") }
        if settings.appKey == nil { missing.append("App Key") }
        if settings.secret == nil { missing.append("Secret") }
        if settings.companyID == nil { missing.append("Bedrijfs-ID") }
        if settings.platformURL == nil { missing.append("platform URL") }
        if settings.sender.name == nil { missing.append("sender name") }
        if settings.sender.kvk == nil { missing.append("sender KvK") }
        return missing
    }

    /// Sends a prepared invoice after the user typed VERZENDEN. The Delivery ID is stored and the
    /// sent UBL written to the sales folder; a failure is recorded on the invoice, which stays
    /// unsent and can be sent again.
    /// An invoice sent before goes again only when `again` says so (the platform keeps it as a
    /// revision under the same Delivery ID).
    public func send(
        _ preview: SendPreview, confirmation: String, again: Bool = false, administration: Administration
    ) async throws -> SalesInvoice {
        let number = preview.invoice.number
        try Self.refuseResend(preview.invoice, again: again)
        guard confirmation == "VERZENDEN" else {
            throw BookkeepingError(.notConfirmed, "not sent: the confirmation was '\(confirmation)', not VERZENDEN")
        }
        // The debtor's address and every fatal SI-UBL finding: none may stand.
        let problems = problems(preview)
        guard problems.isEmpty else {
            let reason = problems.joined(separator: "; ")
            try recordFailure(number, reason, administration)
            throw BookkeepingError(.invalidDocument, "invoice \(number) cannot be sent: \(reason)")
        }
        let settings = administration.settings
        let client = try client(settings)
        // Claimed first, in one transaction with the check that the invoice is still what was
        // shown: two sends at once (a double click, two windows) cannot both go, and lines
        // changed since the confirmation are not sent under it.
        try store.updateInvoice(number, administration: administration.id) { invoice in
            try Self.refuseResend(invoice, again: again)
            guard invoice.lines == preview.invoice.lines, invoice.debtorNumber == preview.invoice.debtorNumber else {
                throw BookkeepingError(.invoiceIncomplete, "invoice \(number) changed after it was shown; look at it again before sending")
            }
            invoice.state = .sending
        }
        let request = SendDocumentRequest(
            via: settings.companyID!, toReference: preview.identifier.participantID, toEmail: preview.email,
            subject: "\(preview.invoice.isCreditNote ? "Creditnota" : "Factuur") \(number)", payload: String(decoding: preview.ubl, as: UTF8.self),
            templateID: TemplateID.factuur)
        let deliveryID: String
        do {
            deliveryID = try await client.send(request)
        } catch {
            try store.updateInvoice(number, administration: administration.id) {
                $0.state = preview.invoice.state == .sent ? .sent : .draft
                $0.lastError = error.description
            }
            throw BookkeepingError(.init(rawValue: error.code.rawValue), "invoice \(number) was not sent: \(error.message)")
        }
        var ublPath: String?
        if let folder = settings.salesFolder {
            ublPath = try write(preview.ubl, to: folder, name: "\(number).xml", replacing: true)
        }
        return try store.updateInvoice(number, administration: administration.id) { invoice in
            invoice.state = .sent
            invoice.deliveryID = deliveryID
            invoice.sentOn = clock()
            invoice.lastError = nil
            invoice.ublPath = ublPath
            invoice.sha256 = preview.sha256
        }
    }

    private func recordFailure(_ number: String, _ reason: String, _ administration: Administration) throws {
        try store.updateInvoice(number, administration: administration.id) { $0.lastError = reason }
    }

    /// The platform's outbox status of a sent invoice.
    public func status(_ number: String, administration: Administration) async throws -> (status: WireStatus, info: WireStatusInfo) {
        let invoice = try store.invoice(number, administration: administration.id)
        guard let deliveryID = invoice.deliveryID else {
            throw BookkeepingError(.notSent, "invoice \(number) has not been sent")
        }
        let client = try client(administration.settings)
        do {
            return try await client.status(in: .outbox, externalID: deliveryID)
        } catch {
            throw BookkeepingError(.init(rawValue: error.code.rawValue), "the status of \(number) cannot be read: \(error.message)")
        }
    }

    /// The platform's record of a sent invoice: route (ToInbox, ToEmail), receiver and status.
    public func delivery(_ number: String, administration: Administration) async throws -> WireDocument {
        let invoice = try store.invoice(number, administration: administration.id)
        guard let deliveryID = invoice.deliveryID else {
            throw BookkeepingError(.notSent, "invoice \(number) has not been sent")
        }
        let client = try client(administration.settings)
        do {
            return try await client.document(in: .outbox, externalID: deliveryID).document
        } catch {
            throw BookkeepingError(.init(rawValue: error.code.rawValue), "the delivery of \(number) cannot be read: \(error.message)")
        }
    }

    /// Asks the platform how a sent invoice is doing, and keeps the route and any status not
    /// seen before in the invoice's timeline (the API tells only the latest).
    @discardableResult
    public func followDelivery(_ number: String, administration: Administration) async throws -> SalesInvoice {
        let document = try await delivery(number, administration: administration)
        let by = [document.statusInfo.userName, document.statusInfo.accountName].compactMap { $0 }.filter { !$0.isEmpty }
        let seen = StatusSeen(
            code: document.status.code, name: document.status.name, changedOn: document.statusInfo.changedOn,
            by: by.isEmpty ? nil : by.joined(separator: ", "))
        return try store.updateInvoice(number, administration: administration.id) { invoice in
            invoice.route = document.deliveryMethod.rawValue
            var statuses = invoice.statuses ?? []
            if statuses.last.map({ ($0.code, $0.changedOn) != (seen.code, seen.changedOn) }) ?? true { statuses.append(seen) }
            invoice.statuses = statuses
        }
    }

    /// "Verbinding testen": logs in with the settings' keys and says which organisation they act
    /// for (its name and Bedrijfs-ID), or why the platform refused.
    public func testConnection(_ settings: Settings) async throws -> (name: String, companyID: String) {
        let client = try client(settings)
        do {
            _ = try await client.login()
            let parties = try await client.accountParties()
            let party = parties.first { $0.econnectPartyID == settings.companyID } ?? parties.first
            guard let party else {
                throw BookkeepingError(.settingsIncomplete, "the keys work, but they act for no organisation")
            }
            if let companyID = settings.companyID, party.econnectPartyID != companyID {
                throw BookkeepingError(
                    .invalidCompanyId, "the keys act for \(party.name) (\(party.econnectPartyID)), not for the Bedrijfs-ID \(companyID)")
            }
            return (party.name, party.econnectPartyID)
        } catch let error as EConnectError {
            throw BookkeepingError(.init(rawValue: error.code.rawValue), error.message)
        }
    }

    // MARK: Receiving

    /// How far before the newest received document a receive starts listing again.
    static let cursorMargin: TimeInterval = 15 * 60

    public struct ReceiveResult: Sendable {
        public var received: [PurchaseInvoice] = []
        /// Listed again but already in the books (by ExternalId).
        public var alreadyReceived = 0
        /// Documents marked 30 Verwerkt on the platform in this run.
        public var statusesSet = 0
        /// Outbox copies written to the sales folder.
        public var salesCopies = 0
        /// Documents that could not be booked in this run, with the reason; they are not marked on
        /// the platform, so the next run tries them again. One never stops the others.
        public var notBooked: [NotBooked] = []
    }

    public struct NotBooked: Sendable, Codable {
        public var externalID: String
        public var code: BookkeepingError.Code
        public var reason: String
    }

    /// Fetches inbox documents created since the from-date (or the last one received), each once,
    /// into the purchase folder and the books, and marks each 30 Verwerkt on the platform.
    /// `progress` is called after each document with the number handled so far.
    public func receive(
        administration: Administration, includeSalesCopies: Bool = false,
        progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> ReceiveResult {
        let settings = administration.settings
        guard settings.useAPIv3 else {
            throw BookkeepingError(.settingsIncomplete, "receiving needs Gebruik API versie 3 (--use-api-v3 on)")
        }
        guard let folder = settings.purchaseFolder else {
            throw BookkeepingError(.settingsIncomplete, "set a purchase-invoice folder (--purchase-folder) first")
        }
        let client = try client(settings)
        var result = ReceiveResult()
        do {
            // Documents received before but not yet marked (the platform was down then).
            for pending in try store.purchaseInvoices(administration: administration.id, awaitingStatusOnly: true) {
                try await client.setInboxStatus(externalID: pending.externalID, code: "30")
                try store.markStatusSet(externalID: pending.externalID, administration: administration.id)
                result.statusesSet += 1
            }
            var search = DocumentSearch()
            // The platform lists in arrival order, but documents arriving together may carry creation
            // times slightly out of that order: listing starts a margin before the newest one received,
            // and what is already in the books is skipped.
            let cursor = try store.receiveCursor(administration: administration.id).map { $0 - Self.cursorMargin }
            let since = cursor ?? settings.fromDate.map(startOfDay)
            if let since { search.createdOn = TimeSpan(from: since) }
            var handled = 0
            for try await page in client.allDocuments(in: .inbox, search: search, pageSize: 100) {
                for listed in page {
                    handled += 1
                    if try store.hasPurchaseInvoice(externalID: listed.externalID, administration: administration.id) {
                        result.alreadyReceived += 1
                    } else {
                        var invoice: PurchaseInvoice
                        do {
                            invoice = try await fetch(listed, client: client, folder: folder, administration: administration)
                        } catch let error as BookkeepingError {
                            result.notBooked.append(NotBooked(externalID: listed.externalID, code: error.code, reason: error.message))
                            progress(handled)
                            continue
                        }
                        try await client.setInboxStatus(externalID: invoice.externalID, code: "30")
                        try store.markStatusSet(externalID: invoice.externalID, administration: administration.id)
                        invoice.platformStatusSet = true
                        result.statusesSet += 1
                        result.received.append(invoice)
                    }
                    progress(handled)
                }
            }
            if includeSalesCopies, let salesFolder = settings.salesFolder {
                result.salesCopies = try await copySales(client: client, folder: salesFolder, since: settings.fromDate)
            }
        } catch let error as EConnectError {
            let next: String
            if error.fault?.code == SOAPFault.invalidKey.code {
                // The keys were revoked or mistyped: trying again cannot help.
                next =
                    "the platform no longer accepts this administration's App Key and Secret; create new connection keys "
                    + "in the platform and enter them with 'efactuur books settings set'"
            } else if error.fault != nil {
                next = "fix what the platform says, then run it again to continue"
            } else {
                next = "run it again to continue when the platform answers"
            }
            throw BookkeepingError(
                .init(rawValue: error.code.rawValue), "receiving stopped after \(result.received.count) new document(s): \(error.message); \(next)")
        }
        return result
    }

    /// Downloads one inbox document, writes its UBL (and embedded PDF) and records it, unmarked.
    private func fetch(
        _ listed: WireDocument, client: EConnectClient, folder: String, administration: Administration
    ) async throws -> PurchaseInvoice {
        let (document, payload, _) = try await client.document(in: .inbox, externalID: listed.externalID)
        // Kept exactly as the platform delivered it: the supplier's bytes, whose SHA-256 matches theirs.
        let bytes = Array(payload.utf8)
        var supplier = document.sender.name
        var number = document.externalID
        var issueDate = ""
        var currency = ""
        var taxExclusive: String?
        var tax: String?
        var payable = ""
        var pdf: BinaryObject?
        let verdict: String
        do {
            // Parsed once: read into the model and validated as the same tree.
            let root = try XMLReader().read(bytes)
            let invoice = try UBLReader().read(root)
            let summary = InvoiceSummary(invoice)
            supplier = summary.seller.name ?? supplier
            number = summary.number
            issueDate = summary.issueDate
            currency = summary.currency
            taxExclusive = summary.taxExclusiveAmount
            tax = summary.taxAmount
            payable = summary.payableAmount
            pdf = invoice.supportingDocuments.lazy.compactMap(\.attachment).first { $0.mimeCode == "application/pdf" }
            let report = Validator(ruleSet: .auto).validate(root)
            verdict = report.isValid ? "valid" : "invalid: " + report.fatalRuleIDs.sorted().joined(separator: ", ")
        } catch {
            verdict = "unreadable: \(error)"
        }
        let base = [issueDate, supplier, number].filter { !$0.isEmpty }.joined(separator: " ")
        let ublPath = try write(bytes, to: folder, name: base + ".xml", replacing: false, distinguisher: document.externalID)
        var pdfPath: String?
        if let pdf {
            pdfPath = try write(pdf.content, to: folder, name: base + ".pdf", replacing: false, distinguisher: document.externalID)
        }
        let invoice = PurchaseInvoice(
            externalID: document.externalID, supplierName: supplier, number: number, issueDate: issueDate,
            currency: currency, taxExclusiveAmount: taxExclusive, taxAmount: tax, payableAmount: payable,
            verdict: verdict, ublPath: ublPath, sha256: Self.sha256(bytes), pdfPath: pdfPath, receivedOn: clock(),
            platformStatusSet: false)
        try store.addPurchaseInvoice(invoice, createdOn: document.createdOn, administration: administration.id)
        return invoice
    }

    /// Writes the outbox copies not yet in the sales folder, named by ExternalId.
    private func copySales(client: EConnectClient, folder: String, since: LocalDate?) async throws -> Int {
        var search = DocumentSearch()
        if let since { search.createdOn = TimeSpan(from: startOfDay(since)) }
        var written = 0
        for try await page in client.allDocuments(in: .outbox, search: search, pageSize: 100) {
            for listed in page {
                let path = (folder as NSString).appendingPathComponent(FileName.safe("\(listed.externalID).xml"))
                guard !FileManager.default.fileExists(atPath: path) else { continue }
                let (_, payload, _) = try await client.document(in: .outbox, externalID: listed.externalID)
                _ = try write(Array(payload.utf8), to: folder, name: "\(listed.externalID).xml", replacing: true)
                written += 1
            }
        }
        return written
    }

    // MARK: Helpers

    /// The SHA-256 of a document's exact bytes, lower-case hex, as the platform computes it.
    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).lowercaseHex
    }

    func client(_ settings: Settings) throws -> EConnectClient {
        guard let text = settings.platformURL, let url = URL(string: text), let appKey = settings.appKey,
            let secret = settings.secret
        else {
            throw BookkeepingError(
                .settingsIncomplete, "the administration needs the platform URL, the App Key and the Secret")
        }
        return EConnectClient(configuration: .init(url: url, appKey: appKey, secret: secret, retry: retry))
    }

    private func startOfDay(_ date: LocalDate) -> Date {
        var components = DateComponents()
        (components.year, components.month, components.day) = (date.year, date.month, date.day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam")!
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    /// Writes a file atomically into `folder` (created when missing) and returns its path. When a
    /// different file of that name is there and `replacing` is off, ` (distinguisher)` is added.
    private func write(
        _ bytes: [UInt8], to folder: String, name: String, replacing: Bool, distinguisher: String = ""
    ) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var path = (folder as NSString).appendingPathComponent(FileName.safe(name))
            if !replacing, let existing = FileManager.default.contents(atPath: path) {
                // The same file from an interrupted earlier run is kept, not written twice.
                if existing == Data(bytes) { return path }
                path = (folder as NSString).appendingPathComponent(FileName.safe(name, distinguisher: distinguisher))
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            return path
        } catch {
            throw BookkeepingError(.folderUnwritable, "cannot write \(name) into \(folder): \(error.localizedDescription)")
        }
    }
}
