using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Server.Access;
using Tenancy.Server.Auth;

namespace Tenancy.Tests.Auth;

/// <summary>
/// Roles are policies set on each endpoint, so a new writing endpoint must name its operation; this
/// finds one that does not (and would let a viewer write).
/// </summary>
public sealed class PolicyCoverageTests(Providers.SqliteServer fixture) : IClassFixture<Providers.SqliteServer>
{
    [Fact]
    public async Task EveryAuthenticatedWritingEndpoint_RequiresAWritingOperationOfTheRoleTable()
    {
        var services = fixture.Server.Services;
        var policies = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var uncovered = new List<string>();
        var covered = 0;
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            if (!methods.Any(m => !HttpMethods.IsGet(m) && !HttpMethods.IsHead(m))
                || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
                || endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0)
            {
                continue;
            }

            var operations = new List<Operation>();
            foreach (var name in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>())
            {
                var policy = await policies.GetPolicyAsync(name);
                operations.AddRange(policy!.Requirements.OfType<OperationRequirement>().Select(r => r.Operation));
            }

            if (operations.Any(RoleTable.Writes))
            {
                covered++;
            }
            else
            {
                uncovered.Add($"{string.Join(",", methods)} {endpoint.RoutePattern.RawText}");
            }
        }

        Assert.Empty(uncovered);
        Assert.Equal(ViewerRoleTests.Writes.Count, covered);
    }
}
