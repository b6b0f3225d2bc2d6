using System;
using DerivSpec.Examples.Synthetic;

return SyntheticExample.Run(args, Console.Out, Console.Error);
