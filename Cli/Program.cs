using DerivSpec.Cli;

return DerivSpecCli.Run(args);
