/// An EN 16931 invoice or credit note, as SI-UBL 2.0 (NLCIUS) and Peppol BIS 3 use it.
///
/// One type serves both UBL documents: ``kind`` says whether it is written as a UBL `Invoice` or a
/// UBL `CreditNote`. Business terms (BT-n) and groups (BG-n) of EN 16931 are named in the comments.
public struct Invoice: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case invoice = "Invoice"
        case creditNote = "CreditNote"
    }

    public var kind: Kind
    /// BT-24 specification identifier, e.g. ``Specification/siUBL20``.
    public var customizationID: String?
    /// BT-23 business process type.
    public var profileID: String?
    /// BT-1 invoice number.
    public var id: String
    /// BT-2 issue date.
    public var issueDate: LocalDate
    /// BT-9 payment due date (`cbc:DueDate`; a credit note carries it in its payment means).
    public var dueDate: LocalDate?
    /// BT-3 type code (UNTDID 1001): 380 commercial invoice, 381 credit note, 384 corrected, 389 self-billed.
    public var typeCode: String?
    /// BT-22 notes (BG-1), with an optional `#CODE#` subject prefix as the text carries it.
    public var notes: [String]
    /// BT-7 VAT point date.
    public var taxPointDate: LocalDate?
    /// BT-5 invoice currency.
    public var documentCurrencyCode: String
    /// BT-6 VAT accounting currency.
    public var taxCurrencyCode: String?
    /// BT-19 buyer accounting reference.
    public var accountingCost: String?
    /// BT-10 buyer reference.
    public var buyerReference: String?
    /// BG-14 invoicing period.
    public var invoicePeriod: Period?
    /// BT-13 purchase order reference and BT-14 sales order reference.
    public var orderReference: OrderReference?
    /// BG-3 preceding invoice references.
    public var precedingInvoices: [PrecedingInvoiceReference]
    /// BT-16 despatch advice reference.
    public var despatchAdviceReference: String?
    /// BT-15 receiving advice reference.
    public var receivingAdviceReference: String?
    /// BT-17 tender or lot reference.
    public var originatorDocumentReference: String?
    /// BT-12 contract reference.
    public var contractReference: String?
    /// BG-24 additional supporting documents, and BT-18 invoiced object identifier (type code 130).
    public var supportingDocuments: [SupportingDocument]
    /// BT-11 project reference (an Invoice's `cac:ProjectReference`; a credit note uses a supporting
    /// document with type code 50).
    public var projectReference: String?
    /// BG-4 seller.
    public var seller: Party
    /// BG-7 buyer.
    public var buyer: Party
    /// BG-10 payee, when it is not the seller.
    public var payee: Party?
    /// BG-11 seller tax representative.
    public var taxRepresentative: Party?
    /// BG-13 delivery information.
    public var delivery: Delivery?
    /// BG-16 payment instructions.
    public var paymentMeans: [PaymentMeans]
    /// BT-20 payment terms.
    public var paymentTerms: [PaymentTerms]
    /// BG-20 document level allowances and BG-21 charges.
    public var allowanceCharges: [AllowanceCharge]
    /// BT-110/BT-111 VAT totals and BG-23 VAT breakdown. The first total in the document currency
    /// carries the breakdown; an optional second one is in the VAT accounting currency.
    public var taxTotals: [TaxTotal]
    /// BG-22 document totals.
    public var totals: DocumentTotals
    /// BG-25 invoice lines.
    public var lines: [InvoiceLine]

    public init(
        kind: Kind = .invoice, customizationID: String? = Specification.siUBL20,
        profileID: String? = Specification.peppolBillingProfile, id: String, issueDate: LocalDate,
        dueDate: LocalDate? = nil, typeCode: String? = nil, notes: [String] = [], taxPointDate: LocalDate? = nil,
        documentCurrencyCode: String = "EUR", taxCurrencyCode: String? = nil, accountingCost: String? = nil,
        buyerReference: String? = nil, invoicePeriod: Period? = nil, orderReference: OrderReference? = nil,
        precedingInvoices: [PrecedingInvoiceReference] = [], despatchAdviceReference: String? = nil,
        receivingAdviceReference: String? = nil, originatorDocumentReference: String? = nil,
        contractReference: String? = nil, supportingDocuments: [SupportingDocument] = [],
        projectReference: String? = nil, seller: Party, buyer: Party, payee: Party? = nil,
        taxRepresentative: Party? = nil, delivery: Delivery? = nil, paymentMeans: [PaymentMeans] = [],
        paymentTerms: [PaymentTerms] = [], allowanceCharges: [AllowanceCharge] = [], taxTotals: [TaxTotal] = [],
        totals: DocumentTotals, lines: [InvoiceLine]
    ) {
        self.kind = kind
        self.customizationID = customizationID
        self.profileID = profileID
        self.id = id
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.typeCode = typeCode ?? (kind == .invoice ? "380" : "381")
        self.notes = notes
        self.taxPointDate = taxPointDate
        self.documentCurrencyCode = documentCurrencyCode
        self.taxCurrencyCode = taxCurrencyCode
        self.accountingCost = accountingCost
        self.buyerReference = buyerReference
        self.invoicePeriod = invoicePeriod
        self.orderReference = orderReference
        self.precedingInvoices = precedingInvoices
        self.despatchAdviceReference = despatchAdviceReference
        self.receivingAdviceReference = receivingAdviceReference
        self.originatorDocumentReference = originatorDocumentReference
        self.contractReference = contractReference
        self.supportingDocuments = supportingDocuments
        self.projectReference = projectReference
        self.seller = seller
        self.buyer = buyer
        self.payee = payee
        self.taxRepresentative = taxRepresentative
        self.delivery = delivery
        self.paymentMeans = paymentMeans
        self.paymentTerms = paymentTerms
        self.allowanceCharges = allowanceCharges
        self.taxTotals = taxTotals
        self.totals = totals
        self.lines = lines
    }

    /// BT-110: the VAT total in the document currency (the one with the breakdown).
    public var vatTotal: TaxTotal? {
        taxTotals.first { $0.taxAmount.currencyID == documentCurrencyCode } ?? taxTotals.first
    }
}

/// The specification identifiers (BT-24) and process (BT-23) efactuur writes and recognises.
public enum Specification {
    /// SI-UBL 2.0, the Dutch CIUS of EN 16931 (NLCIUS).
    public static let siUBL20 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0"
    /// Peppol BIS Billing 3.0.
    public static let peppolBIS3 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    /// The plain European norm.
    public static let en16931 = "urn:cen.eu:en16931:2017"
    /// Peppol billing process 01, which SI-UBL 2.0 documents carry too.
    public static let peppolBillingProfile = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
}

/// BG-14 / BG-26 period.
public struct Period: Sendable, Hashable {
    public var startDate: LocalDate?
    public var endDate: LocalDate?
    /// BT-8 value added tax point date code (UNTDID 2005).
    public var descriptionCode: String?

    public init(startDate: LocalDate? = nil, endDate: LocalDate? = nil, descriptionCode: String? = nil) {
        self.startDate = startDate
        self.endDate = endDate
        self.descriptionCode = descriptionCode
    }
}

public struct OrderReference: Sendable, Hashable {
    /// BT-13 purchase order reference.
    public var id: String
    /// BT-14 sales order reference.
    public var salesOrderID: String?

    public init(id: String, salesOrderID: String? = nil) {
        self.id = id
        self.salesOrderID = salesOrderID
    }
}

/// BG-3 preceding invoice reference.
public struct PrecedingInvoiceReference: Sendable, Hashable {
    /// BT-25.
    public var id: String
    /// BT-26.
    public var issueDate: LocalDate?

    public init(id: String, issueDate: LocalDate? = nil) {
        self.id = id
        self.issueDate = issueDate
    }
}

/// BG-24 additional supporting document (also BT-18 invoiced object identifier, type code 130,
/// and, in a credit note, BT-11 project reference, type code 50).
public struct SupportingDocument: Sendable, Hashable {
    /// BT-122 (with `schemeID` for BT-18).
    public var id: Identifier
    public var documentTypeCode: String?
    /// BT-123.
    public var description: String?
    /// BT-125 attached document.
    public var attachment: BinaryObject?
    /// BT-124 external document location.
    public var externalURI: String?

    public init(
        id: Identifier, documentTypeCode: String? = nil, description: String? = nil,
        attachment: BinaryObject? = nil, externalURI: String? = nil
    ) {
        self.id = id
        self.documentTypeCode = documentTypeCode
        self.description = description
        self.attachment = attachment
        self.externalURI = externalURI
    }
}

/// An embedded file: BT-125 with BT-125-1 MIME code and BT-125-2 file name.
public struct BinaryObject: Sendable, Hashable {
    public var content: [UInt8]
    public var mimeCode: String?
    public var filename: String?

    public init(content: [UInt8], mimeCode: String?, filename: String?) {
        self.content = content
        self.mimeCode = mimeCode
        self.filename = filename
    }
}

/// BG-13 delivery information.
public struct Delivery: Sendable, Hashable {
    /// BT-72 actual delivery date.
    public var actualDeliveryDate: LocalDate?
    /// BT-71 deliver to location identifier.
    public var locationID: Identifier?
    /// BG-15 deliver to address.
    public var address: Address?
    /// BT-70 deliver to party name.
    public var partyName: String?

    public init(
        actualDeliveryDate: LocalDate? = nil, locationID: Identifier? = nil, address: Address? = nil,
        partyName: String? = nil
    ) {
        self.actualDeliveryDate = actualDeliveryDate
        self.locationID = locationID
        self.address = address
        self.partyName = partyName
    }
}

/// BG-22 document totals.
public struct DocumentTotals: Sendable, Hashable {
    /// BT-106 sum of invoice line net amounts.
    public var lineExtensionAmount: Amount?
    /// BT-109 total without VAT.
    public var taxExclusiveAmount: Amount?
    /// BT-112 total with VAT.
    public var taxInclusiveAmount: Amount?
    /// BT-107 sum of allowances on document level.
    public var allowanceTotalAmount: Amount?
    /// BT-108 sum of charges on document level.
    public var chargeTotalAmount: Amount?
    /// BT-113 paid amount.
    public var prepaidAmount: Amount?
    /// BT-114 rounding amount.
    public var payableRoundingAmount: Amount?
    /// BT-115 amount due for payment.
    public var payableAmount: Amount

    public init(
        lineExtensionAmount: Amount? = nil, taxExclusiveAmount: Amount? = nil, taxInclusiveAmount: Amount? = nil,
        allowanceTotalAmount: Amount? = nil, chargeTotalAmount: Amount? = nil, prepaidAmount: Amount? = nil,
        payableRoundingAmount: Amount? = nil, payableAmount: Amount
    ) {
        self.lineExtensionAmount = lineExtensionAmount
        self.taxExclusiveAmount = taxExclusiveAmount
        self.taxInclusiveAmount = taxInclusiveAmount
        self.allowanceTotalAmount = allowanceTotalAmount
        self.chargeTotalAmount = chargeTotalAmount
        self.prepaidAmount = prepaidAmount
        self.payableRoundingAmount = payableRoundingAmount
        self.payableAmount = payableAmount
    }
}
