import Foundation
import HardenedXML

/// Reads UBL 2.1 `Invoice` and `CreditNote` documents into ``Invoice``.
///
/// The XML goes through ``XMLReader``: no DTD, no entities, no network, bounded size and depth.
/// Elements outside the EN 16931 model (extensions, signatures, UBL elements EN 16931 does not
/// use) are skipped; the validator reports them from the XML itself.
public struct UBLReader: Sendable {
    public var xmlReader: XMLReader

    public init(limits: XMLReader.Limits = XMLReader.Limits()) {
        self.xmlReader = XMLReader(limits: limits)
    }

    public func read(_ bytes: some Collection<UInt8>) throws(UBLReadError) -> Invoice {
        let root: XMLElement
        do {
            root = try xmlReader.read(bytes)
        } catch {
            throw UBLReadError(error)
        }
        return try read(root)
    }

    /// Maps an already parsed document (for callers that also inspect the XML itself).
    public func read(_ root: XMLElement) throws(UBLReadError) -> Invoice {
        try DocumentDecoder(kind: try Self.kind(of: root)).invoice(Node(root: root))
    }

    /// Only what identifies a document and its parties (``InvoiceHead``), read by the same rules
    /// as ``read(_:)-(XMLElement)`` reads them; the lines, totals and the rest are not looked at.
    /// What routes a document needs no more, and a validated document of 100,000 lines is then
    /// not mapped in full to be routed.
    public func readHead(_ root: XMLElement) throws(UBLReadError) -> InvoiceHead {
        try DocumentDecoder(kind: try Self.kind(of: root)).head(Node(root: root))
    }

    /// The local names of the root's children that ``readHead(_:)`` reads: a root with only
    /// these children gives the same head as the whole document.
    public static let headElements: Set<String> = [
        "CustomizationID", "ProfileID", "ID", "IssueDate", "AccountingSupplierParty", "AccountingCustomerParty",
    ]

    private static func kind(of root: XMLElement) throws(UBLReadError) -> Invoice.Kind {
        let kind: Invoice.Kind
        switch root.name {
        case "Invoice": kind = .invoice
        case "CreditNote": kind = .creditNote
        default:
            throw UBLReadError(
                .wrongRoot, "the root element is <\(root.name)>, not a UBL Invoice or CreditNote", path: "/\(root.name)",
                line: root.line)
        }
        guard root.namespace == UBLNamespace.root(of: kind) else {
            throw UBLReadError(
                .wrongNamespace,
                "the \(kind.rawValue) is in namespace '\(root.namespace)', expected '\(UBLNamespace.root(of: kind))'",
                path: "/\(root.name)", line: root.line)
        }
        return kind
    }
}

/// What identifies an invoice or credit note and its parties: what routing one needs.
public struct InvoiceHead: Sendable, Hashable {
    public var kind: Invoice.Kind
    public var customizationID: String?
    public var profileID: String?
    /// BT-1.
    public var id: String
    /// BT-2.
    public var issueDate: LocalDate
    public var seller: Party
    public var buyer: Party
}

/// The chain of ancestors of a node, kept so that a path is built only for an error message.
private final class Trail {
    let parent: Trail?
    let element: XMLElement
    let index: Int

    init(parent: Trail?, element: XMLElement, index: Int) {
        self.parent = parent
        self.element = element
        self.index = index
    }

    /// `/Invoice/cac:InvoiceLine[2]/cac:Item`: UBL prefixes, positions among same-named siblings.
    var path: String {
        guard let parent else { return "/" + element.name }
        return parent.path + "/" + Trail.step(element, among: parent.element.children, at: index)
    }

    static func step(_ element: XMLElement, among siblings: [XMLElement], at index: Int) -> String {
        let prefix =
            switch element.namespace {
            case UBLNamespace.cbc: "cbc:"
            case UBLNamespace.cac: "cac:"
            default: ""
            }
        let position = siblings[..<index].count { $0.name == element.name && $0.namespace == element.namespace } + 1
        let total = siblings.count { $0.name == element.name && $0.namespace == element.namespace }
        return total > 1 ? "\(prefix)\(element.name)[\(position)]" : "\(prefix)\(element.name)"
    }
}

/// An element of the document and where it stands, for error messages. Cheap to make: the
/// trail of ancestors is extended only when a node's own children are visited.
private struct Node {
    let element: XMLElement
    private let parent: Trail?
    private let index: Int

    init(root: XMLElement) {
        self.element = root
        self.parent = nil
        self.index = 0
    }

    private init(_ element: XMLElement, parent: Trail, index: Int) {
        self.element = element
        self.parent = parent
        self.index = index
    }

    private var trail: Trail { Trail(parent: parent, element: element, index: index) }

    var path: String { trail.path }

    /// UBL's own children (cbc/cac), in document order.
    var children: Children { Children(element: element, trail: trail) }

    struct Children: Sequence {
        let element: XMLElement
        let trail: Trail

        func makeIterator() -> Iterator { Iterator(children: element.children, trail: trail) }

        struct Iterator: IteratorProtocol {
            let children: [XMLElement]
            let trail: Trail
            var index = 0

            mutating func next() -> (name: String, node: Node)? {
                while index < children.count {
                    let child = children[index]
                    index += 1
                    if Node.isUBL(child) { return (child.name, Node(child, parent: trail, index: index - 1)) }
                }
                return nil
            }
        }
    }

    static func isUBL(_ element: XMLElement) -> Bool {
        element.namespace == UBLNamespace.cbc || element.namespace == UBLNamespace.cac
    }

    var line: Int { element.line }

    /// The text, or nil when the element is empty or only white space.
    var text: String? {
        let text = element.text
        if text.utf8.allSatisfy(\.isXMLWhitespace) {
            return nil
        }
        return text
    }

    func attribute(_ name: String) -> String? {
        element.attribute(name)
    }

    func decimal() throws(UBLReadError) -> DecimalNumber {
        guard let number = DecimalNumber(parsing: element.text) else {
            throw UBLReadError(
                .invalidNumber, "'\(element.text.prefix(40))' is not a decimal number", path: path, line: line)
        }
        return number
    }

    func amount() throws(UBLReadError) -> Amount {
        Amount(try decimal(), currencyID: attribute("currencyID") ?? "")
    }

    func quantity() throws(UBLReadError) -> Quantity {
        Quantity(try decimal(), unitCode: attribute("unitCode"))
    }

    func date() throws(UBLReadError) -> LocalDate {
        guard let date = LocalDate(element.text) else {
            throw UBLReadError(
                .invalidDate, "'\(element.text.prefix(40))' is not a date (YYYY-MM-DD)", path: path, line: line)
        }
        return date
    }

    func boolean() throws(UBLReadError) -> Bool {
        switch element.text.trimmingXMLWhitespace {
        case "true", "1": return true
        case "false", "0": return false
        default:
            throw UBLReadError(.invalidValue, "'\(element.text.prefix(40))' is not true or false", path: path, line: line)
        }
    }

    func identifier() -> Identifier? {
        text.map { Identifier($0, schemeID: attribute("schemeID")) }
    }

    /// The text of the first child `name`, e.g. `ID` inside `cac:OriginCountry`.
    func childText(_ name: String) -> String? {
        child(name)?.text
    }

    func child(_ name: String) -> Node? {
        guard let index = element.children.firstIndex(where: { $0.name == name && Node.isUBL($0) }) else { return nil }
        return Node(element.children[index], parent: trail, index: index)
    }

    func missing(_ name: String) -> UBLReadError {
        UBLReadError(.missingElement, "\(name) is missing", path: path, line: line)
    }
}

/// Element-by-element mapping from UBL to the model. Every aggregate reads its children once.
private struct DocumentDecoder {
    let kind: Invoice.Kind

    /// The head's elements; ``invoice(_:)`` reads the rest after it.
    func head(_ root: Node) throws(UBLReadError) -> InvoiceHead {
        var customizationID: String?
        var profileID: String?
        var id: String?
        var issueDate: LocalDate?
        var seller: Party?
        var buyer: Party?
        for (name, node) in root.children {
            switch name {
            case "CustomizationID": customizationID = node.text
            case "ProfileID": profileID = node.text
            case "ID": id = node.element.text
            case "IssueDate": issueDate = try node.date()
            case "AccountingSupplierParty": seller = try node.child("Party").map(party) ?? Party()
            case "AccountingCustomerParty": buyer = try node.child("Party").map(party) ?? Party()
            default: continue
            }
        }
        guard let id else { throw root.missing("cbc:ID (BT-1 invoice number)") }
        guard let issueDate else { throw root.missing("cbc:IssueDate (BT-2)") }
        guard let seller else { throw root.missing("cac:AccountingSupplierParty (BG-4 seller)") }
        guard let buyer else { throw root.missing("cac:AccountingCustomerParty (BG-7 buyer)") }
        return InvoiceHead(
            kind: kind, customizationID: customizationID, profileID: profileID, id: id, issueDate: issueDate, seller: seller,
            buyer: buyer)
    }

    func invoice(_ root: Node) throws(UBLReadError) -> Invoice {
        let head = try head(root)
        var totals: DocumentTotals?
        var documentCurrency: String?
        var invoice = Invoice(
            kind: kind, customizationID: head.customizationID, profileID: head.profileID, id: head.id, issueDate: head.issueDate,
            seller: head.seller, buyer: head.buyer, totals: DocumentTotals(payableAmount: Amount(0, currencyID: "")),
            lines: [])
        invoice.typeCode = nil
        for (name, node) in root.children {
            switch name {
            case "DueDate": invoice.dueDate = try node.date()
            case "InvoiceTypeCode", "CreditNoteTypeCode": invoice.typeCode = node.text
            case "Note": if let text = node.text { invoice.notes.append(text) }
            case "TaxPointDate": invoice.taxPointDate = try node.date()
            case "DocumentCurrencyCode": documentCurrency = node.text
            case "TaxCurrencyCode": invoice.taxCurrencyCode = node.text
            case "AccountingCost": invoice.accountingCost = node.text
            case "BuyerReference": invoice.buyerReference = node.text
            case "InvoicePeriod": if invoice.invoicePeriod == nil { invoice.invoicePeriod = try period(node) }
            case "OrderReference":
                if let orderID = node.childText("ID") {
                    invoice.orderReference = OrderReference(id: orderID, salesOrderID: node.childText("SalesOrderID"))
                }
            case "BillingReference":
                if let reference = node.child("InvoiceDocumentReference"), let referenceID = reference.childText("ID") {
                    invoice.precedingInvoices.append(
                        PrecedingInvoiceReference(id: referenceID, issueDate: try reference.child("IssueDate")?.date()))
                }
            case "DespatchDocumentReference": invoice.despatchAdviceReference = node.childText("ID")
            case "ReceiptDocumentReference": invoice.receivingAdviceReference = node.childText("ID")
            case "OriginatorDocumentReference": invoice.originatorDocumentReference = node.childText("ID")
            case "ContractDocumentReference": invoice.contractReference = node.childText("ID")
            case "AdditionalDocumentReference": invoice.supportingDocuments.append(try supportingDocument(node))
            case "ProjectReference": invoice.projectReference = node.childText("ID")
            case "PayeeParty": invoice.payee = try party(node)
            case "TaxRepresentativeParty": invoice.taxRepresentative = try party(node)
            case "Delivery": if invoice.delivery == nil { invoice.delivery = try delivery(node) }
            case "PaymentMeans": invoice.paymentMeans.append(try paymentMeans(node))
            case "PaymentTerms": invoice.paymentTerms.append(try paymentTerms(node))
            case "AllowanceCharge": invoice.allowanceCharges.append(try allowanceCharge(node))
            case "TaxTotal": invoice.taxTotals.append(try taxTotal(node))
            case "LegalMonetaryTotal": totals = try documentTotals(node)
            case "InvoiceLine", "CreditNoteLine": invoice.lines.append(try line(node))
            default: continue
            }
        }
        guard let totals else { throw root.missing("cac:LegalMonetaryTotal (BG-22)") }
        invoice.totals = totals
        invoice.documentCurrencyCode = documentCurrency ?? ""
        return invoice
    }

    func period(_ node: Node) throws(UBLReadError) -> Period {
        var period = Period()
        for (name, child) in node.children {
            switch name {
            case "StartDate": period.startDate = try child.date()
            case "EndDate": period.endDate = try child.date()
            case "DescriptionCode": period.descriptionCode = child.text
            default: continue
            }
        }
        return period
    }

    func supportingDocument(_ node: Node) throws(UBLReadError) -> SupportingDocument {
        var document = SupportingDocument(id: Identifier(""))
        for (name, child) in node.children {
            switch name {
            case "ID": document.id = Identifier(child.element.text, schemeID: child.attribute("schemeID"))
            case "DocumentTypeCode": document.documentTypeCode = child.text
            case "DocumentDescription": document.description = child.text
            case "Attachment":
                if let embedded = child.element.child("EmbeddedDocumentBinaryObject", in: UBLNamespace.cbc) {
                    let content = Data(base64Encoded: embedded.text, options: .ignoreUnknownCharacters)
                    guard let content else {
                        throw UBLReadError(
                            .invalidValue, "the embedded document is not valid base64",
                            path: child.child("EmbeddedDocumentBinaryObject")?.path, line: embedded.line)
                    }
                    document.attachment = BinaryObject(
                        content: [UInt8](content), mimeCode: embedded.attribute("mimeCode"),
                        filename: embedded.attribute("filename"))
                }
                document.externalURI = child.child("ExternalReference")?.childText("URI")
            default: continue
            }
        }
        return document
    }

    func party(_ node: Node) throws(UBLReadError) -> Party {
        var party = Party()
        for (name, child) in node.children {
            switch name {
            case "EndpointID": party.endpointID = child.identifier()
            case "PartyIdentification": if let id = child.child("ID")?.identifier() { party.identifiers.append(id) }
            case "PartyName": if party.name == nil { party.name = child.childText("Name") }
            case "PostalAddress": party.postalAddress = address(child)
            case "PartyTaxScheme":
                party.taxSchemes.append(
                    PartyTaxScheme(
                        companyID: child.childText("CompanyID"), taxSchemeID: child.child("TaxScheme")?.childText("ID")))
            case "PartyLegalEntity":
                if party.legalEntity == nil {
                    party.legalEntity = LegalEntity(
                        registrationName: child.childText("RegistrationName"),
                        companyID: child.child("CompanyID")?.identifier(),
                        companyLegalForm: child.childText("CompanyLegalForm"))
                }
            case "Contact":
                party.contact = Contact(
                    name: child.childText("Name"), telephone: child.childText("Telephone"),
                    electronicMail: child.childText("ElectronicMail"))
            default: continue
            }
        }
        return party
    }

    func address(_ node: Node) -> Address {
        var address = Address()
        for (name, child) in node.children {
            switch name {
            case "StreetName": address.streetName = child.text
            case "AdditionalStreetName": address.additionalStreetName = child.text
            case "AddressLine": if address.addressLine == nil { address.addressLine = child.childText("Line") }
            case "CityName": address.cityName = child.text
            case "PostalZone": address.postalZone = child.text
            case "CountrySubentity": address.countrySubentity = child.text
            case "Country": address.countryCode = child.childText("IdentificationCode")
            default: continue
            }
        }
        return address
    }

    func delivery(_ node: Node) throws(UBLReadError) -> Delivery {
        var delivery = Delivery()
        for (name, child) in node.children {
            switch name {
            case "ActualDeliveryDate": delivery.actualDeliveryDate = try child.date()
            case "DeliveryLocation":
                delivery.locationID = child.child("ID")?.identifier()
                delivery.address = child.child("Address").map(address)
            case "DeliveryParty": delivery.partyName = child.child("PartyName")?.childText("Name")
            default: continue
            }
        }
        return delivery
    }

    func paymentMeans(_ node: Node) throws(UBLReadError) -> PaymentMeans {
        var means = PaymentMeans(code: "")
        for (name, child) in node.children {
            switch name {
            case "ID": means.id = child.text
            case "PaymentMeansCode":
                means.code = child.element.text
                means.codeName = child.attribute("name")
            case "PaymentDueDate": means.paymentDueDate = try child.date()
            case "PaymentID": if means.paymentID == nil { means.paymentID = child.text }
            case "CardAccount":
                means.card = CardAccount(
                    primaryAccountNumber: child.childText("PrimaryAccountNumberID") ?? "",
                    networkID: child.childText("NetworkID") ?? "", holderName: child.childText("HolderName"))
            case "PayeeFinancialAccount":
                means.payeeFinancialAccount = FinancialAccount(
                    id: child.childText("ID"), name: child.childText("Name"),
                    branchID: child.child("FinancialInstitutionBranch")?.childText("ID"))
            case "PaymentMandate":
                means.mandate = PaymentMandate(
                    id: child.childText("ID"), payerAccountID: child.child("PayerFinancialAccount")?.childText("ID"))
            default: continue
            }
        }
        return means
    }

    func paymentTerms(_ node: Node) throws(UBLReadError) -> PaymentTerms {
        var terms = PaymentTerms(note: nil)
        for (name, child) in node.children {
            switch name {
            case "PaymentMeansID": if let id = child.text { terms.paymentMeansIDs.append(id) }
            case "Note": if terms.note == nil { terms.note = child.text }
            case "Amount": terms.amount = try child.amount()
            default: continue
            }
        }
        return terms
    }

    func allowanceCharge(_ node: Node) throws(UBLReadError) -> AllowanceCharge {
        var isCharge: Bool?
        var amount: Amount?
        var result = AllowanceCharge(isCharge: false, amount: Amount(0, currencyID: ""))
        for (name, child) in node.children {
            switch name {
            case "ChargeIndicator": isCharge = try child.boolean()
            case "AllowanceChargeReasonCode": result.reasonCode = child.text
            case "AllowanceChargeReason": if result.reason == nil { result.reason = child.text }
            case "MultiplierFactorNumeric": result.multiplierFactor = try child.decimal()
            case "Amount": amount = try child.amount()
            case "BaseAmount": result.baseAmount = try child.amount()
            case "TaxCategory": if result.taxCategory == nil { result.taxCategory = try taxCategory(child) }
            default: continue
            }
        }
        guard let isCharge else { throw node.missing("cbc:ChargeIndicator") }
        guard let amount else { throw node.missing("cbc:Amount") }
        result.isCharge = isCharge
        result.amount = amount
        return result
    }

    func taxCategory(_ node: Node) throws(UBLReadError) -> TaxCategory {
        var category = TaxCategory(id: "", percent: nil, taxSchemeID: nil)
        for (name, child) in node.children {
            switch name {
            case "ID": category.id = child.element.text
            case "Percent": category.percent = try child.decimal()
            case "TaxExemptionReasonCode": category.exemptionReasonCode = child.text
            case "TaxExemptionReason": if category.exemptionReason == nil { category.exemptionReason = child.text }
            case "TaxScheme": category.taxSchemeID = child.childText("ID")
            default: continue
            }
        }
        return category
    }

    func taxTotal(_ node: Node) throws(UBLReadError) -> TaxTotal {
        var taxAmount: Amount?
        var subtotals: [TaxSubtotal] = []
        for (name, child) in node.children {
            switch name {
            case "TaxAmount": taxAmount = try child.amount()
            case "TaxSubtotal":
                var taxable: Amount?
                var amount: Amount?
                var category: TaxCategory?
                for (subName, subChild) in child.children {
                    switch subName {
                    case "TaxableAmount": taxable = try subChild.amount()
                    case "TaxAmount": amount = try subChild.amount()
                    case "TaxCategory": category = try taxCategory(subChild)
                    default: continue
                    }
                }
                guard let amount else { throw child.missing("cbc:TaxAmount (BT-117)") }
                guard let category else { throw child.missing("cac:TaxCategory (BT-118)") }
                subtotals.append(TaxSubtotal(taxableAmount: taxable, taxAmount: amount, category: category))
            default: continue
            }
        }
        guard let taxAmount else { throw node.missing("cbc:TaxAmount (BT-110)") }
        return TaxTotal(taxAmount: taxAmount, subtotals: subtotals)
    }

    func documentTotals(_ node: Node) throws(UBLReadError) -> DocumentTotals {
        var totals = DocumentTotals(payableAmount: Amount(0, currencyID: ""))
        var payable: Amount?
        for (name, child) in node.children {
            switch name {
            case "LineExtensionAmount": totals.lineExtensionAmount = try child.amount()
            case "TaxExclusiveAmount": totals.taxExclusiveAmount = try child.amount()
            case "TaxInclusiveAmount": totals.taxInclusiveAmount = try child.amount()
            case "AllowanceTotalAmount": totals.allowanceTotalAmount = try child.amount()
            case "ChargeTotalAmount": totals.chargeTotalAmount = try child.amount()
            case "PrepaidAmount": totals.prepaidAmount = try child.amount()
            case "PayableRoundingAmount": totals.payableRoundingAmount = try child.amount()
            case "PayableAmount": payable = try child.amount()
            default: continue
            }
        }
        guard let payable else { throw node.missing("cbc:PayableAmount (BT-115)") }
        totals.payableAmount = payable
        return totals
    }

    func line(_ node: Node) throws(UBLReadError) -> InvoiceLine {
        var line = InvoiceLine(id: "", quantity: nil, lineExtensionAmount: nil, item: Item(name: nil, taxCategory: nil), price: nil)
        for (name, child) in node.children {
            switch name {
            case "ID": line.id = child.element.text
            case "Note": if line.note == nil { line.note = child.text }
            case "InvoicedQuantity", "CreditedQuantity": line.quantity = try child.quantity()
            case "LineExtensionAmount": line.lineExtensionAmount = try child.amount()
            case "AccountingCost": line.accountingCost = child.text
            case "InvoicePeriod": if line.invoicePeriod == nil { line.invoicePeriod = try period(child) }
            case "OrderLineReference": if line.orderLineReference == nil { line.orderLineReference = child.childText("LineID") }
            case "DocumentReference": if line.objectIdentifier == nil { line.objectIdentifier = child.child("ID")?.identifier() }
            case "AllowanceCharge": line.allowanceCharges.append(try allowanceCharge(child))
            case "Item": line.item = try item(child)
            case "Price": line.price = try price(child)
            default: continue
            }
        }
        return line
    }

    func item(_ node: Node) throws(UBLReadError) -> Item {
        var item = Item(name: nil, taxCategory: nil)
        for (name, child) in node.children {
            switch name {
            case "Description": if item.description == nil { item.description = child.text }
            case "Name": item.name = child.text
            case "BuyersItemIdentification": item.buyersItemID = child.childText("ID")
            case "SellersItemIdentification": item.sellersItemID = child.childText("ID")
            case "StandardItemIdentification": item.standardItemID = child.child("ID")?.identifier()
            case "OriginCountry": item.originCountry = child.childText("IdentificationCode")
            case "CommodityClassification":
                if let code = child.child("ItemClassificationCode"), let text = code.text {
                    item.classifications.append(
                        ItemClassification(
                            code: text, listID: code.attribute("listID"), listVersionID: code.attribute("listVersionID")))
                }
            case "ClassifiedTaxCategory": if item.taxCategory == nil { item.taxCategory = try taxCategory(child) }
            case "AdditionalItemProperty":
                item.properties.append(ItemProperty(name: child.childText("Name") ?? "", value: child.childText("Value")))
            default: continue
            }
        }
        return item
    }

    func price(_ node: Node) throws(UBLReadError) -> Price {
        var amount: Amount?
        var price = Price(priceAmount: Amount(0, currencyID: ""))
        for (name, child) in node.children {
            switch name {
            case "PriceAmount": amount = try child.amount()
            case "BaseQuantity": price.baseQuantity = try child.quantity()
            case "AllowanceCharge": if price.allowanceCharge == nil { price.allowanceCharge = try allowanceCharge(child) }
            default: continue
            }
        }
        guard let amount else { throw node.missing("cbc:PriceAmount (BT-146)") }
        price.priceAmount = amount
        return price
    }
}
