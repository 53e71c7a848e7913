namespace Tenancy.Server.Http;

/// <summary>An example body of a request record, shown with the operation in the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequestExampleAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}
