import KilnCore
import KilnWire

/// STS: the AWS query front that tells a caller who it is.
enum STSFront {
    /// The STS front.
    static func make() -> QueryFront {
        var operations = OperationTable()
        operations.on(STS.GetCallerIdentity.self) { _, caller in
            STS.GetCallerIdentityResponse(account: caller.account.rawValue, arn: caller.arn, userId: caller.account.rawValue)
        }
        return QueryFront(
            signingName: STS.signingName,
            dialect: .awsQuery,
            xmlNamespace: STS.xmlNamespace,
            modeledErrors: STS.modeledErrors,
            operations: operations
        )
    }
}
