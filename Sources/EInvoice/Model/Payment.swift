/// BG-16 payment instructions: credit transfer (BG-17), payment card (BG-18) or direct debit (BG-19).
public struct PaymentMeans: Sendable, Hashable {
    /// `cbc:ID` (used by the SI-UBL G-account extension to link payment terms).
    public var id: String?
    /// BT-81 payment means type code (UNCL 4461): 30 credit transfer, 58 SEPA credit transfer,
    /// 48 card, 49 direct debit, 59 SEPA direct debit.
    public var code: String
    /// BT-82 payment means text (the `@name` of the code).
    public var codeName: String?
    /// BT-9 payment due date, where a credit note carries it.
    public var paymentDueDate: LocalDate?
    /// BT-83 remittance information.
    public var paymentID: String?
    /// BG-18 payment card.
    public var card: CardAccount?
    /// BG-17 credit transfer: BT-84 account (IBAN), BT-85 account name, BT-86 provider (BIC).
    public var payeeFinancialAccount: FinancialAccount?
    /// BG-19 direct debit: BT-89 mandate reference, BT-91 debited account.
    public var mandate: PaymentMandate?

    public init(
        id: String? = nil, code: String, codeName: String? = nil, paymentDueDate: LocalDate? = nil,
        paymentID: String? = nil, card: CardAccount? = nil, payeeFinancialAccount: FinancialAccount? = nil,
        mandate: PaymentMandate? = nil
    ) {
        self.id = id
        self.code = code
        self.codeName = codeName
        self.paymentDueDate = paymentDueDate
        self.paymentID = paymentID
        self.card = card
        self.payeeFinancialAccount = payeeFinancialAccount
        self.mandate = mandate
    }

    /// A SEPA credit transfer (code 58) to an IBAN.
    public static func sepaCreditTransfer(
        iban: String, accountName: String? = nil, bic: String? = nil,
        paymentID: String? = nil
    ) -> PaymentMeans {
        PaymentMeans(
            code: "58", paymentID: paymentID,
            payeeFinancialAccount: FinancialAccount(id: iban, name: accountName, branchID: bic))
    }
}

public struct FinancialAccount: Sendable, Hashable {
    public var id: String?
    public var name: String?
    /// BT-86 payment service provider (BIC), `FinancialInstitutionBranch/ID`.
    public var branchID: String?

    public init(id: String?, name: String? = nil, branchID: String? = nil) {
        self.id = id
        self.name = name
        self.branchID = branchID
    }
}

/// BG-18 payment card information.
public struct CardAccount: Sendable, Hashable {
    /// BT-87 primary account number (at most 10 digits visible, BR-51).
    public var primaryAccountNumber: String
    /// Card network (`cbc:NetworkID`), required by UBL.
    public var networkID: String
    /// BT-88 card holder name.
    public var holderName: String?

    public init(primaryAccountNumber: String, networkID: String, holderName: String? = nil) {
        self.primaryAccountNumber = primaryAccountNumber
        self.networkID = networkID
        self.holderName = holderName
    }
}

/// BG-19 direct debit mandate.
public struct PaymentMandate: Sendable, Hashable {
    /// BT-89 mandate reference.
    public var id: String?
    /// BT-91 debited account.
    public var payerAccountID: String?

    public init(id: String?, payerAccountID: String? = nil) {
        self.id = id
        self.payerAccountID = payerAccountID
    }
}

/// `cac:PaymentTerms`: BT-20 text, and for the SI-UBL G-account extension the split amount and the
/// payment means it goes to.
public struct PaymentTerms: Sendable, Hashable {
    public var paymentMeansIDs: [String]
    public var note: String?
    public var amount: Amount?

    public init(note: String?, paymentMeansIDs: [String] = [], amount: Amount? = nil) {
        self.note = note
        self.paymentMeansIDs = paymentMeansIDs
        self.amount = amount
    }
}

/// A document allowance (BG-20) or charge (BG-21), a line allowance (BG-27) or charge (BG-28), or
/// the price discount of a line (BT-147).
public struct AllowanceCharge: Sendable, Hashable {
    /// true for a charge, false for an allowance.
    public var isCharge: Bool
    /// BT-98 / BT-105 / BT-140 / BT-145 reason code (UNCL 5189 for allowances, UNCL 7161 for charges).
    public var reasonCode: String?
    /// BT-97 / BT-104 / BT-139 / BT-144 reason.
    public var reason: String?
    /// BT-94 / BT-101 / BT-138 / BT-143 percentage.
    public var multiplierFactor: DecimalNumber?
    /// BT-92 / BT-99 / BT-136 / BT-141 amount (BT-147 for a price discount).
    public var amount: Amount
    /// BT-93 / BT-100 / BT-137 / BT-142 base amount (BT-148 gross price for a price discount).
    public var baseAmount: Amount?
    /// BT-95 / BT-102 VAT category and BT-96 / BT-103 rate (document level only).
    public var taxCategory: TaxCategory?

    public init(
        isCharge: Bool, reasonCode: String? = nil, reason: String? = nil, multiplierFactor: DecimalNumber? = nil,
        amount: Amount, baseAmount: Amount? = nil, taxCategory: TaxCategory? = nil
    ) {
        self.isCharge = isCharge
        self.reasonCode = reasonCode
        self.reason = reason
        self.multiplierFactor = multiplierFactor
        self.amount = amount
        self.baseAmount = baseAmount
        self.taxCategory = taxCategory
    }
}
