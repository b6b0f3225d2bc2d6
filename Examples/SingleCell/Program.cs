using System;
using DerivSpec.Examples.SingleCell;

return SingleCellExample.Run(args, Console.Out, Console.Error);
