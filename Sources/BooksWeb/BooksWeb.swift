import Bookkeeping
import EInvoice
import Foundation
import HTTPTypes
import HardenedXML
import Hummingbird
import Logging
import Mustache
import NIOCore
import WebPages

#if canImport(Glibc)
    import Glibc
#endif

/// The books in the browser, as the setup guide walks through Accept's screens: choose the
/// administration, Beheer › Administratie › Instellingen › eFactuur › eVerbinding, the debtor card,
/// the invoice with its lines, Uitvoer › eFactuur › eVerbinding bericht with Ja and VERZENDEN, the
/// Extra tab, and the purchase invoices fetched with Ophalen. Server-rendered, in Dutch, no script
/// needed. Every rule is `Books`'s; this reads forms, calls one function and renders.
///
/// It serves one person on their own machine: it listens on loopback unless told otherwise,
/// answers only requests addressed to the host it listens on (so no other site can reach it
/// through DNS rebinding), and every form carries a token only its own pages know.
public struct BooksWeb: Sendable {
    let books: Books
    /// The token every form must carry: made at start, known only to the pages served here.
    let csrf: String
    let logger: Logger
    static let maxFormBytes = 64 * 1024

    public init(books: Books, logger: Logger = Logger(label: "efactuur.books-web")) {
        self.books = books
        self.csrf = WebResponses.randomToken()
        self.logger = logger
    }

    /// The application on `host:port` (0 takes a free port; `onListening` is told which).
    public func application(
        host: String = "127.0.0.1", port: Int = 8090, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        // Only requests addressed to a loopback name, or to the address the user chose to listen on.
        router.middlewares.add(HostCheck(alsoAllowed: host))
        register(on: router)
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "efactuur-books"),
            onServerRunning: { await onListening($0.localAddress?.port ?? port) }, logger: logger)
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/static/books.css") { _, _ in WebResponses.asset(BooksTemplates.stylesheet, type: "text/css; charset=utf-8") }
        router.get("/static/books.js") { _, _ in WebResponses.asset(BooksTemplates.script, type: "text/javascript; charset=utf-8") }
        router.get("/") { _, _ in try page("choose", "Selecteer de boekhouding", ["administrations": try administrationRows()]) }
        router.post("/administraties") { request, _ in
            try await form(request) { form in
                do {
                    let created = try books.store.createAdministration(name: form["name"])
                    return WebResponses.redirect("/a/\(created.id)/instellingen")
                } catch let error as BookkeepingError {
                    return try page("choose", "Selecteer de boekhouding", ["administrations": try administrationRows()], error: error)
                }
            }
        }
        router.get("/a/:admin") { _, context in
            let administration = try administration(context)
            return try page("home", administration.name, ["admin": adminFields(administration)])
        }

        // Beheer › Administratie › Instellingen › eFactuur › eVerbinding
        router.get("/a/:admin/instellingen") { _, context in try settingsPage(try administration(context)) }
        router.post("/a/:admin/instellingen") { request, context in
            try await form(request) { form in
                var administration = try administration(context)
                var settings = administration.settings
                do {
                    try Self.read(form, into: &settings)
                    settings = try books.saveSettings(settings, administration: administration)
                    administration.settings = settings
                } catch let error as BookkeepingError {
                    return try settingsPage(administration, form: form, error: error)
                }
                guard form["action"] == "testen" else { return try settingsPage(administration, notice: "De instellingen zijn opgeslagen.") }
                do {
                    let found = try await books.testConnection(settings)
                    return try settingsPage(
                        administration, notice: "Verbinding gelukt: de sleutels werken voor \(found.name) (Bedrijfs-ID \(found.companyID)).")
                } catch let error as BookkeepingError {
                    return try settingsPage(administration, error: BookkeepingError(error.code, "Verbinding mislukt: \(error.message)"))
                }
            }
        }

        // Debiteuren
        router.get("/a/:admin/debiteuren") { request, context in
            try debtorsPage(
                try administration(context), query: request.uri.queryParameters["zoek"].map(String.init) ?? "", page: Self.page(request))
        }
        router.post("/a/:admin/debiteuren") { request, context in
            try await form(request) { form in
                let administration = try administration(context)
                do {
                    var debtor = Debtor(name: form["name"])
                    Self.read(form, into: &debtor)
                    let added = try books.addDebtor(debtor, administration: administration)
                    return WebResponses.redirect("/a/\(administration.id)/debiteuren/\(added.number)")
                } catch let error as BookkeepingError {
                    return try debtorsPage(administration, query: "", page: 0, error: error)
                }
            }
        }
        router.get("/a/:admin/debiteuren/:number") { _, context in
            let administration = try administration(context)
            return try debtorPage(
                administration, try books.store.debtor(try context.parameters.require("number", as: Int.self), administration: administration.id))
        }
        // What an invoice would carry for the identifiers typed so far (the debtor card asks as
        // the user types; the rule stays `Debtor.identifier`'s).
        router.get("/a/:admin/identificatie") { request, context in
            let administration = try administration(context)
            var debtor = Debtor(name: "")
            debtor.oin = request.uri.queryParameters["oin"].map(String.init)
            debtor.kvk = request.uri.queryParameters["kvk"].map(String.init)
            var response = Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: debtor.identifier(useDossierAsKvK: administration.settings.useDossierAsKvK).label)))
            WebResponses.secure(&response.headers)
            return response
        }
        router.post("/a/:admin/debiteuren/:number") { request, context in
            try await form(request) { form in
                let administration = try administration(context)
                var debtor = try books.store.debtor(try context.parameters.require("number", as: Int.self), administration: administration.id)
                debtor.name = form["name"]
                Self.read(form, into: &debtor)
                do {
                    let saved = try books.updateDebtor(debtor, administration: administration)
                    return try debtorPage(administration, saved, notice: "De debiteur is opgeslagen.")
                } catch let error as BookkeepingError {
                    return try debtorPage(administration, debtor, error: error)
                }
            }
        }

        // Verkoopfacturen
        router.get("/a/:admin/facturen") { request, context in try invoicesPage(try administration(context), request: request) }
        router.post("/a/:admin/facturen") { request, context in
            try await form(request) { form in
                let administration = try administration(context)
                do {
                    guard let debtor = Int(form["debtor"]) else { throw BookkeepingError(.noDebtor, "kies een debiteur") }
                    let invoice = try books.createInvoice(
                        debtor: debtor, issueDate: try Self.date(form["date"], "de factuurdatum"),
                        dueDate: try Self.date(form["due"], "de vervaldatum"), reference: form["reference"], administration: administration)
                    return WebResponses.redirect(Self.path(administration, invoice.number))
                } catch let error as BookkeepingError {
                    return try invoicesPage(administration, request: nil, error: error)
                }
            }
        }
        router.get("/a/:admin/facturen/:number") { _, context in
            let administration = try administration(context)
            return try invoicePage(
                administration, try books.store.invoice(try context.parameters.require("number"), administration: administration.id))
        }
        // "Status bijwerken": asks the platform, keeps what is new in the Extra tab's timeline.
        router.post("/a/:admin/facturen/:number/status") { request, context in
            try await form(request) { _ in
                let administration = try administration(context)
                let number = try context.parameters.require("number")
                do {
                    let invoice = try await books.followDelivery(number, administration: administration)
                    return try invoicePage(administration, invoice, notice: "De status is bijgewerkt.")
                } catch let error as BookkeepingError {
                    let invoice = try books.store.invoice(number, administration: administration.id)
                    return try invoicePage(
                        administration, invoice, error: BookkeepingError(error.code, "De status kon niet worden opgehaald: \(error.message)"))
                }
            }
        }
        router.post("/a/:admin/facturen/:number/regels") { request, context in
            try await lineChange(request, context) { administration, invoice, form in
                try books.addLine(try Self.line(form), invoice: invoice.number, administration: administration)
            }
        }
        router.post("/a/:admin/facturen/:number/regels/:position") { request, context in
            try await lineChange(request, context) { administration, invoice, form in
                let position = try context.parameters.require("position", as: Int.self)
                if form["action"] == "verwijderen" { return try books.removeLine(position, invoice: invoice.number, administration: administration) }
                return try books.changeLine(position, to: try Self.line(form), invoice: invoice.number, administration: administration)
            }
        }
        router.post("/a/:admin/facturen/:number/verwijderen") { request, context in
            try await form(request) { _ in
                let administration = try administration(context)
                let number = try context.parameters.require("number")
                do {
                    try books.deleteInvoice(number, administration: administration)
                    return WebResponses.redirect("/a/\(administration.id)/facturen")
                } catch let error as BookkeepingError {
                    return try invoicePage(administration, try books.store.invoice(number, administration: administration.id), error: error)
                }
            }
        }
        router.post("/a/:admin/facturen/:number/crediteren") { request, context in
            try await form(request) { _ in
                let administration = try administration(context)
                let number = try context.parameters.require("number")
                do {
                    let credit = try books.creditInvoice(number, administration: administration)
                    return WebResponses.redirect(Self.path(administration, credit.number))
                } catch let error as BookkeepingError {
                    return try invoicePage(administration, try books.store.invoice(number, administration: administration.id), error: error)
                }
            }
        }

        // Uitvoer › eFactuur › eVerbinding bericht: the summary, Ja, then VERZENDEN typed.
        router.get("/a/:admin/facturen/:number/verzenden") { _, context in
            try sendPage(try administration(context), try context.parameters.require("number"), step: "vraag")
        }
        router.post("/a/:admin/facturen/:number/verzenden") { request, context in
            try await form(request) { form in
                let administration = try administration(context)
                let number = try context.parameters.require("number")
                switch form["step"] {
                case "ja":
                    return try sendPage(administration, number, step: "woord")
                case "verzenden":
                    do {
                        let preview = try books.prepareSend(number, administration: administration)
                        // What goes out is what the bookkeeper saw and confirmed, to the byte (and
                        // `send` refuses what has problems).
                        guard form["sha256"] == preview.sha256 else {
                            return try sendPage(
                                administration, number, step: "vraag", notice: "De factuur is veranderd sinds u hem zag; bekijk hem opnieuw.")
                        }
                        _ = try await books.send(
                            preview, confirmation: form["word"].trimmingCharacters(in: .whitespaces), administration: administration)
                        _ = try? await books.followDelivery(number, administration: administration)
                        return WebResponses.redirect(Self.path(administration, number) + "#extra")
                    } catch let error as BookkeepingError {
                        return try sendPage(administration, number, step: "niet", error: error)
                    }
                default:
                    return WebResponses.redirect(Self.path(administration, number))
                }
            }
        }

        // Inkoopfacturen: the list, Ophalen with progress, each with its PDF.
        router.get("/a/:admin/inkoop") { request, context in try purchasesPage(try administration(context), page: Self.page(request)) }
        router.post("/a/:admin/inkoop/ophalen") { request, context in
            try await form(request) { _ in try receive(try administration(context)) }
        }
        router.get("/a/:admin/inkoop/:id/pdf") { _, context in
            let administration = try administration(context)
            let id = try context.parameters.require("id")
            guard let invoice = try books.store.purchaseInvoice(externalID: id, administration: administration.id) else {
                throw HTTPError(.notFound)
            }
            return WebResponses.download(try Self.pdf(of: invoice), type: "application/pdf", name: "\(invoice.number).pdf", inline: true)
        }
    }

    // MARK: Pages

    private func administration(_ context: some RequestContext) throws -> Administration {
        guard let id = Int64(try context.parameters.require("admin")) else { throw HTTPError(.notFound) }
        do {
            return try books.store.administration(id: id)
        } catch is BookkeepingError {
            throw HTTPError(.notFound)
        }
    }

    private func administrationRows() throws -> [[String: Any]] {
        try books.store.administrations().map(adminFields)
    }

    private func adminFields(_ administration: Administration) -> [String: Any] {
        ["id": administration.id, "name": administration.name, "companyID": administration.settings.companyID ?? "—"]
    }

    private func settingsPage(
        _ administration: Administration, form: FormData? = nil, notice: String? = nil, error: BookkeepingError? = nil
    ) throws -> Response {
        let settings = administration.settings
        func value(_ name: String, _ stored: String?) -> String { form?.fields[name] ?? stored ?? "" }
        let fields: [String: Any] = [
            "admin": adminFields(administration), "useAPIv3": settings.useAPIv3, "useDossierAsKvK": settings.useDossierAsKvK,
            "email": value("email", settings.email), "appKey": value("appKey", settings.appKey),
            "secretSet": settings.secret != nil, "maskedSecret": settings.maskedSecret ?? "",
            "purchaseFolder": value("purchaseFolder", settings.purchaseFolder), "salesFolder": value("salesFolder", settings.salesFolder),
            "fromDate": value("fromDate", settings.fromDate?.description), "companyID": value("companyID", settings.companyID),
            "platformURL": value("platformURL", settings.platformURL), "senderName": value("senderName", settings.sender.name),
            "senderStreet": value("senderStreet", settings.sender.street), "senderPostcode": value("senderPostcode", settings.sender.postcode),
            "senderCity": value("senderCity", settings.sender.city), "senderCountry": value("senderCountry", settings.sender.country),
            "senderKvK": value("senderKvK", settings.sender.kvk), "senderVAT": value("senderVAT", settings.sender.vat),
            "senderIBAN": value("senderIBAN", settings.sender.iban),
        ]
        return try page("settings", "eVerbinding — \(administration.name)", fields, notice: notice, error: error)
    }

    /// The settings form into `settings`: a Quick Connect text fills App Key, Secret, e-mail and
    /// Bedrijfs-ID at once; an empty Secret field keeps the Secret.
    static func read(_ form: FormData, into settings: inout Settings) throws {
        settings.useAPIv3 = form["useAPIv3"] == "on"
        settings.useDossierAsKvK = form["useDossierAsKvK"] == "on"
        settings.siVersion = form["siVersion"].isEmpty ? settings.siVersion : form["siVersion"]
        settings.email = form["email"]
        settings.appKey = form["appKey"]
        if !form["secret"].isEmpty { settings.secret = form["secret"] }
        settings.purchaseFolder = form["purchaseFolder"]
        settings.salesFolder = form["salesFolder"]
        settings.fromDate = try date(form["fromDate"], "de datum vanaf")
        settings.companyID = form["companyID"]
        settings.platformURL = form["platformURL"]
        settings.sender.name = form["senderName"]
        settings.sender.street = form["senderStreet"]
        settings.sender.postcode = form["senderPostcode"]
        settings.sender.city = form["senderCity"]
        settings.sender.country = form["senderCountry"].isEmpty ? "NL" : form["senderCountry"]
        settings.sender.kvk = form["senderKvK"]
        settings.sender.vat = form["senderVAT"]
        settings.sender.iban = form["senderIBAN"]
        let quickConnect = form["quickConnect"].trimmingCharacters(in: .whitespacesAndNewlines)
        if !quickConnect.isEmpty { try Books.apply(quickConnect: quickConnect, to: &settings) }
    }

    /// A line form (add or change).
    static func line(_ form: FormData) throws -> SalesInvoiceLine {
        try Books.line(description: form["description"], quantity: form["quantity"], price: form["price"], vatRate: form["vat"])
    }

    static func read(_ form: FormData, into debtor: inout Debtor) {
        (debtor.email, debtor.oin, debtor.kvk, debtor.vat) = (form["email"], form["oin"], form["kvk"], form["vat"])
        (debtor.street, debtor.postcode, debtor.city) = (form["street"], form["postcode"], form["city"])
        debtor.country = form["country"].isEmpty ? "NL" : form["country"]
    }

    /// Rows a list shows at once.
    static let pageSize = 50

    /// `?pagina=N` (from 0).
    static func page(_ request: Request) -> Int {
        min(max(Int(request.uri.queryParameters["pagina"].map(String.init) ?? "") ?? 0, 0), 1_000_000)
    }

    /// The link to the next page, when this one was full (`query` keeps the list's filters).
    static func next(_ count: Int, page: Int, query: String) -> Any {
        count > pageSize ? "?\(query)\(query.isEmpty ? "" : "&")pagina=\(page + 1)" : false
    }

    private func debtorsPage(_ administration: Administration, query: String, page: Int, error: BookkeepingError? = nil) throws -> Response {
        let found = try books.store.debtors(
            administration: administration.id, matching: query, limit: Self.pageSize + 1, offset: page * Self.pageSize)
        let rows = found.prefix(Self.pageSize).map { debtor -> [String: Any] in
            [
                "number": debtor.number, "name": debtor.name, "city": debtor.city ?? "", "email": debtor.email ?? "",
                "identifier": debtor.identifier(useDossierAsKvK: administration.settings.useDossierAsKvK).label,
            ]
        }
        let search = query.isEmpty ? "" : "zoek=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return try self.page(
            "debtors", "Debiteuren — \(administration.name)",
            ["admin": adminFields(administration), "debtors": rows, "query": query, "next": Self.next(found.count, page: page, query: search)],
            error: error)
    }

    private func debtorPage(
        _ administration: Administration, _ debtor: Debtor, notice: String? = nil, error: BookkeepingError? = nil
    ) throws -> Response {
        let fields: [String: Any] = [
            "admin": adminFields(administration),
            "debtor": [
                "number": debtor.number, "name": debtor.name, "street": debtor.street ?? "", "postcode": debtor.postcode ?? "",
                "city": debtor.city ?? "", "country": debtor.country, "email": debtor.email ?? "", "oin": debtor.oin ?? "",
                "kvk": debtor.kvk ?? "", "vat": debtor.vat ?? "",
            ] as [String: Any],
            "identifier": debtor.identifier(useDossierAsKvK: administration.settings.useDossierAsKvK).label,
            "dossierAsKvK": administration.settings.useDossierAsKvK,
        ]
        return try page("debtor", "Debiteur \(debtor.number) \(debtor.name)", fields, notice: notice, error: error)
    }

    private func invoicesPage(_ administration: Administration, request: Request?, error: BookkeepingError? = nil) throws -> Response {
        let debtors = try books.store.debtors(administration: administration.id)
        let names = Dictionary(uniqueKeysWithValues: debtors.map { ($0.number, $0.name) })
        // The list's filters and order: ?debiteur=1000&stand=sent&van=…&tot=…&volgorde=amount&aflopend=on
        let query = request?.uri.queryParameters
        func asked(_ name: String) -> String { query?[Substring(name)].map(String.init) ?? "" }
        var filter = BooksStore.InvoiceFilter()
        filter.debtor = Int(asked("debiteur"))
        filter.state = SalesInvoice.State(rawValue: asked("stand"))
        filter.from = LocalDate(asked("van"))
        filter.through = LocalDate(asked("tot"))
        filter.order = BooksStore.InvoiceFilter.Order(rawValue: asked("volgorde")) ?? .number
        filter.descending = asked("aflopend") == "on"
        let page = request.map(Self.page) ?? 0
        let found = try books.store.invoices(
            administration: administration.id, filter: filter, limit: Self.pageSize + 1, offset: page * Self.pageSize)
        let rows = found.prefix(Self.pageSize).map { invoice -> [String: Any] in
            [
                "number": invoice.number, "path": Self.path(administration, invoice.number), "date": invoice.issueDate.description,
                "debtor": "\(invoice.debtorNumber) \(names[invoice.debtorNumber] ?? "")", "kind": invoice.isCreditNote ? "Creditnota" : "Factuur",
                "state": Self.state(invoice.state), "deliveryID": invoice.deliveryID ?? "",
                "amount": InvoiceWords.dutch.amount(invoice.netAmount, currency: "EUR"),
            ]
        }
        let kept = ["debiteur", "stand", "van", "tot", "volgorde", "aflopend"].compactMap { name -> String? in
            let value = asked(name)
            return value.isEmpty ? nil : "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        let fields: [String: Any] = [
            "admin": adminFields(administration), "invoices": rows, "next": Self.next(found.count, page: page, query: kept),
            "debtors": debtors.map { ["number": $0.number, "name": $0.name, "selected": $0.number == filter.debtor] },
            "today": LocalDate.today.description, "from": asked("van"), "through": asked("tot"), "descending": filter.descending,
            "states": [("", "alle"), ("draft", "concept"), ("sent", "verzonden")].map {
                ["value": $0.0, "name": $0.1, "selected": $0.0 == asked("stand")]
            },
            "orders": [("number", "nummer"), ("date", "datum"), ("debtor", "debiteur"), ("amount", "bedrag")].map {
                ["value": $0.0, "name": $0.1, "selected": $0.0 == filter.order.rawValue]
            },
        ]
        return try self.page("invoices", "Verkoopfacturen — \(administration.name)", fields, error: error)
    }

    private func invoicePage(
        _ administration: Administration, _ invoice: SalesInvoice, notice: String? = nil, error: BookkeepingError? = nil
    ) throws -> Response {
        let debtor = try? books.store.debtor(invoice.debtorNumber, administration: administration.id)
        let words = InvoiceWords.dutch
        let document = debtor.flatMap { try? books.document(invoice, debtor: $0, administration: administration) }
        let currency = document?.documentCurrencyCode ?? "EUR"
        // The document has the invoice's lines in the same order.
        let amounts = (document?.lines ?? []).map { $0.lineExtensionAmount.map { words.amount($0.value, currency: currency) } ?? "" }
        let lines = invoice.lines.enumerated().map { index, line -> [String: Any] in
            [
                "position": line.position, "description": line.description, "quantity": line.quantity?.description ?? "",
                "price": line.unitPrice?.description ?? "", "vat": line.vatRate?.description ?? "", "category": line.vatCategory,
                "amount": index < amounts.count ? amounts[index] : "",
            ]
        }
        var fields: [String: Any] = [
            "admin": adminFields(administration), "number": invoice.number, "path": Self.path(administration, invoice.number),
            "kind": invoice.isCreditNote ? "Creditnota" : "Factuur", "credits": invoice.creditedInvoice ?? false,
            "debtor": debtor.map { "\($0.number) \($0.name)" } ?? "\(invoice.debtorNumber)",
            "identifier": debtor?.identifier(useDossierAsKvK: administration.settings.useDossierAsKvK).label ?? "",
            "date": words.date(invoice.issueDate), "due": invoice.dueDate.map(words.date) ?? "—",
            "reference": invoice.reference ?? invoice.number, "lines": lines, "isDraft": invoice.state == .draft,
            "isSent": invoice.state == .sent, "canCredit": invoice.state == .sent && !invoice.isCreditNote,
        ]
        if let totals = document?.totals {
            fields["totals"] = [
                ["label": words.label(.totalExclVAT), "value": totals.taxExclusiveAmount.map(words.amount) ?? ""],
                ["label": words.label(.vatShort), "value": document?.vatTotal.map { words.amount($0.taxAmount) } ?? ""],
                ["label": words.label(invoice.isCreditNote ? .toReceive : .toPay), "value": words.amount(totals.payableAmount)],
            ]
        }
        fields["extra"] =
            [
                "deliveryID": invoice.deliveryID ?? "— (nog niet verzonden)", "route": Self.route(invoice.route),
                "sha256": invoice.sha256 ?? "—", "sentOn": invoice.sentOn.map(Self.moment) ?? "—", "lastError": invoice.lastError ?? false,
                "ubl": invoice.ublPath ?? "—",
                "statuses": (invoice.statuses ?? []).map { ["status": "\($0.code) \($0.name)", "on": Self.moment($0.changedOn), "by": $0.by ?? ""] },
            ] as [String: Any]
        return try page("invoice", "\(invoice.isCreditNote ? "Creditnota" : "Factuur") \(invoice.number)", fields, notice: notice, error: error)
    }

    /// The eVerbinding bericht: `vraag` shows what goes out and asks Ja/Nee (or, when something
    /// stops it, says what in plain words and asks nothing); `woord` asks for VERZENDEN; `niet`
    /// says why nothing was sent.
    private func sendPage(
        _ administration: Administration, _ number: String, step: String, notice: String? = nil, error: BookkeepingError? = nil
    ) throws -> Response {
        var fields: [String: Any] = ["admin": adminFields(administration), "number": number, "path": Self.path(administration, number)]
        // What stops it, in words: a refusal of the preparation, or the problems of what it made.
        let preview: Books.SendPreview?
        let problems: [String]
        do {
            let prepared = try books.prepareSend(number, administration: administration)
            (preview, problems) = (prepared, books.problems(prepared))
        } catch let refusal as BookkeepingError {
            (preview, problems) = (nil, [refusal.message])
        }
        guard let preview, problems.isEmpty else {
            fields["problems"] = problems
            fields["hasProblems"] = true
            return try page("send", "eVerbinding bericht — \(number)", fields, status: .unprocessableContent)
        }
        let summary = InvoiceSummary(preview.document)
        fields["summary"] =
            [
                "debtor": "\(preview.debtor.number) \(preview.debtor.name)", "identifier": preview.identifier.label,
                "email": preview.email ?? "— (geen: alleen een ontvanger op het platform krijgt hem)", "lines": preview.invoice.lines.count,
                "total": "\(summary.payableAmount) \(summary.currency)", "sha256": preview.sha256,
                "again": preview.invoice.state == .sent,
            ] as [String: Any]
        fields[step] = true
        return try page("send", "eVerbinding bericht — \(number)", fields, notice: notice, error: error, status: error == nil ? .ok : .badRequest)
    }

    private func purchasesPage(_ administration: Administration, page: Int, notice: String? = nil) throws -> Response {
        let found = try books.store.purchaseInvoices(administration: administration.id, limit: Self.pageSize + 1, offset: page * Self.pageSize)
        let rows = found.prefix(Self.pageSize).map { invoice -> [String: Any] in
            [
                "id": invoice.externalID, "date": invoice.issueDate, "supplier": invoice.supplierName, "number": invoice.number,
                "amount": "\(invoice.payableAmount) \(invoice.currency)", "verdict": invoice.verdict, "valid": invoice.verdict == "valid",
                "file": invoice.ublPath, "embedded": invoice.pdfPath != nil,
            ]
        }
        let fields: [String: Any] = [
            "admin": adminFields(administration), "purchases": rows, "folder": administration.settings.purchaseFolder ?? "— (niet ingesteld)",
            "next": Self.next(found.count, page: page, query: ""),
        ]
        return try self.page("purchases", "Inkoopfacturen — \(administration.name)", fields, notice: notice)
    }

    /// Ophalen: the page streams a line per document fetched, then the outcome and a link back.
    private func receive(_ administration: Administration) throws -> Response {
        let head = try layout(title: "Ophalen — \(administration.name)", content: "", open: true)
        let books = self.books
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: head + "<ol class=\"progress\" aria-live=\"polite\">"))
            let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
            let work = Task {
                defer { continuation.finish() }
                return try await books.receive(administration: administration) { continuation.yield($0) }
            }
            for await handled in stream { try await writer.write(ByteBuffer(string: "<li>\(handled) document(en) bekeken…</li>")) }
            var tail = "</ol>"
            do {
                let result = try await work.value
                tail +=
                    "<p class=\"notice\" role=\"status\">\(result.received.count) nieuwe inkoopfactu(u)r(en) opgehaald"
                    + (result.alreadyReceived > 0 ? ", \(result.alreadyReceived) stonden al in de boeken" : "") + ".</p>"
                for failure in result.notBooked {
                    tail +=
                        "<p class=\"error\">Niet geboekt: \(HardenedXML.XMLElement.escaped(failure.externalID, quotes: true)): \(HardenedXML.XMLElement.escaped(failure.reason, quotes: true))</p>"
                }
            } catch {
                let message = (error as? BookkeepingError)?.message ?? "\(error)"
                tail += "<p class=\"error\" role=\"alert\">Ophalen mislukt: \(HardenedXML.XMLElement.escaped(message, quotes: true))</p>"
            }
            tail += "<p><a href=\"/a/\(administration.id)/inkoop\">Naar de inkoopfacturen</a></p></main></body></html>"
            try await writer.write(ByteBuffer(string: tail))
            try await writer.finish(nil)
        }
        var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: body)
        WebResponses.secure(&response.headers)
        return response
    }

    // MARK: Forms and rendering

    /// Reads a form and checks its token before `body` sees it.
    private func form(_ request: Request, _ body: (FormData) async throws -> Response) async throws -> Response {
        let bytes = try await request.body.collect(upTo: Self.maxFormBytes)
        guard let form = FormData(body: Array(buffer: bytes), contentType: request.headers[.contentType]) else {
            return try page("message", "Geen formulier", ["message": "Dit verzoek is geen formulier."], status: .unsupportedMediaType)
        }
        guard WebResponses.tokenMatches(form["csrf"], csrf) else {
            return try page(
                "message", "Formulier verlopen", ["message": "Dit formulier komt niet van deze pagina's. Laad de pagina opnieuw."],
                status: .forbidden)
        }
        return try await body(form)
    }

    private func lineChange(
        _ request: Request, _ context: some RequestContext,
        _ change: @escaping (Administration, SalesInvoice, FormData) throws -> SalesInvoice
    ) async throws -> Response {
        try await form(request) { form in
            let administration = try administration(context)
            let invoice = try books.store.invoice(try context.parameters.require("number"), administration: administration.id)
            do {
                let changed = try change(administration, invoice, form)
                return WebResponses.redirect(Self.path(administration, changed.number) + "#regels")
            } catch let error as BookkeepingError {
                return try invoicePage(administration, invoice, error: Self.dutch(error))
            }
        }
    }

    private func page(
        _ name: String, _ title: String, _ fields: [String: Any], notice: String? = nil, error: BookkeepingError? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var context = fields
        context["csrf"] = csrf
        let content = BooksTemplates.library.render(context, withTemplate: name) ?? ""
        var response = WebResponses.html(
            try layout(title: title, content: content, notice: notice, error: error.map { Self.dutch($0).message }),
            status: error != nil && status == .ok ? .badRequest : status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func layout(title: String, content: String, notice: String? = nil, error: String? = nil, open: Bool = false) throws -> String {
        var fields: [String: Any] = ["title": title, "content": content, "open": open]
        if let notice { fields["notice"] = notice }
        if let error { fields["error"] = error }
        return BooksTemplates.library.render(fields, withTemplate: open ? "layoutOpen" : "layout") ?? ""
    }

    /// The messages a bookkeeper sees most, in Dutch; the rest as the library says them.
    static func dutch(_ error: BookkeepingError) -> BookkeepingError {
        var error = error
        if error.code == .emptyLine {
            error.message = error.message.replacingOccurrences(of: "cannot be saved: it needs", with: "kan niet worden opgeslagen: vul in")
                .replacingOccurrences(of: "line ", with: "regel ").replacingOccurrences(of: "a description", with: "een omschrijving")
                .replacingOccurrences(of: "a quantity or price", with: "een aantal of prijs").replacingOccurrences(of: " and ", with: " en ")
        }
        if error.code == .notConfirmed { error.message = "Niet verzonden: u typte niet VERZENDEN." }
        return error
    }

    static func date(_ text: String, _ field: String) throws -> LocalDate? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        guard let date = LocalDate(text), date.timeZone == nil else {
            throw BookkeepingError(.invalidDate, "\(field) '\(text)' is geen datum (JJJJ-MM-DD)")
        }
        return date
    }

    static func path(_ administration: Administration, _ number: String) -> String {
        "/a/\(administration.id)/facturen/\(number.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? number)"
    }

    static func state(_ state: SalesInvoice.State) -> String {
        switch state {
        case .draft: "concept"
        case .sending: "wordt verzonden"
        case .sent: "verzonden"
        }
    }

    static func route(_ route: String?) -> String {
        switch route {
        case "ToInbox": "op het platform, in de inbox van de ontvanger"
        case "ToEmail": "per e-mail"
        case "ToPeppol": "over Peppol"
        case let other?: other
        case nil: "—"
        }
    }

    static func moment(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
        return InvoiceWords.dutch.date(day) + String(format: " %02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// The PDF of a purchase invoice: the one its sender embedded, or else one rendered from it.
    static func pdf(of invoice: PurchaseInvoice) throws -> [UInt8] {
        if let path = invoice.pdfPath, let data = FileManager.default.contents(atPath: path) { return Array(data) }
        guard let data = FileManager.default.contents(atPath: invoice.ublPath) else { throw HTTPError(.notFound) }
        do {
            return InvoicePDF.render(try UBLReader().read(Array(data)), footer: "Delivery ID \(invoice.externalID)")
        } catch {
            throw HTTPError(.unprocessableContent, message: "dit document kan niet als PDF worden getoond")
        }
    }
}

/// Answers only requests addressed to a loopback name or address: a page of another site that
/// made the browser resolve its own name to 127.0.0.1 still sends its own name as Host.
struct HostCheck<Context: RequestContext>: RouterMiddleware {
    /// The address `books web` listens on, when the user chose one that is not loopback.
    let alsoAllowed: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority ?? ""
        let host =
            String(authority.hasPrefix("[") ? authority.dropFirst().prefix { $0 != "]" } : authority.split(separator: ":").first ?? "")
            .lowercased()
        guard BooksWeb.isLoopback(host) || host == alsoAllowed.lowercased() else { return Response(status: .misdirectedRequest) }
        return try await next(request, context)
    }
}

extension BooksWeb {
    /// `localhost`, 127.0.0.0/8 or ::1, however written.
    public static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
    }
}
