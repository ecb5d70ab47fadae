import KilnCore
import KilnWire

/// SSM Parameter Store (JSON 1.1): the account's parameters and AWS's public image parameters.
enum SSMFront {
    /// The SSM front over `parameters`.
    static func make(parameters: ParameterService) -> JSONFront {
        var operations = OperationTable()

        operations.on(SSM.GetParameter.self) { input, caller in
            guard let parameter = try await parameters.parameter(caller, name: input.name) else { throw CloudError.parameterNotFound(input.name) }
            return SSM.GetParameterResult(parameter: wire(parameter))
        }

        operations.on(SSM.GetParameters.self) { input, caller in
            var found: [SSM.Parameter] = []
            var invalid: [String] = []
            for name in input.names {
                if let parameter = try await parameters.parameter(caller, name: name) { found.append(wire(parameter)) } else { invalid.append(name) }
            }
            return SSM.GetParametersResult(invalidParameters: invalid, parameters: found)
        }

        operations.on(SSM.GetParametersByPath.self) { input, caller in
            let limit = input.maxResults ?? 10
            guard (1...10).contains(limit) else {
                throw CloudError.parameterPageTooLarge(limit)
            }
            let all = try await parameters.parameters(caller, under: input.path, recursive: input.recursive ?? false)
            let page = try parameters.context.pageRequest(
                "GetParametersByPath",
                caller: caller,
                maxResults: limit,
                nextToken: input.nextToken,
                allowed: 1...10,
                parameters: [
                    String(describing: input.path), String(describing: input.recursive), String(describing: input.parameterFilters),
                    String(describing: input.withDecryption),
                ]
            ).page(of: all)
            return SSM.GetParametersByPathResult(nextToken: page.nextToken, parameters: page.items.map(wire))
        }

        operations.on(SSM.PutParameter.self) { input, caller in
            let version = try await parameters.putParameter(
                caller,
                name: input.name,
                value: input.value,
                type: input.type?.rawValue,
                dataType: input.dataType,
                description: input.description,
                overwrite: input.overwrite ?? false
            )
            return SSM.PutParameterResult(tier: .standard, version: version)
        }

        operations.on(SSM.DeleteParameter.self) { input, caller in
            try await parameters.deleteParameter(caller, name: input.name)
            return SSM.DeleteParameterResult()
        }

        return JSONFront(signingName: SSM.signingName, targetPrefix: SSM.targetPrefix, modeledErrors: SSM.modeledErrors, operations: operations)
    }

    static func wire(_ parameter: Parameter) -> SSM.Parameter {
        SSM.Parameter(
            arn: parameter.arn,
            dataType: parameter.dataType,
            lastModifiedDate: parameter.lastModified,
            name: parameter.name,
            type: .init(rawValue: parameter.type),
            value: parameter.value,
            version: parameter.version
        )
    }
}
