using Declarative.Auth.DocsTool;

return DocsCommand.Run(args, Console.Out, Console.Error);
