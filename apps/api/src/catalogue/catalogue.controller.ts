import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Catalogue } from '@portscore/catalogue';
import type { Port, PortRegistry } from '@portscore/contracts';
import { ActiveCatalogue, PORTS } from '@portscore/runtime';

import { ApiKeyAuth } from '../api.responses';
import { CurrentPrincipal } from '../auth/api-key.guard';
import { canRead, type Principal } from '../auth/principal';
import { CatalogueDto, PortDto } from './catalogue.responses';

@ApiTags('catalogue')
@ApiKeyAuth()
@Controller('v1')
export class CatalogueController {
  constructor(
    private readonly catalogue: ActiveCatalogue,
    @Inject(PORTS) private readonly ports: PortRegistry,
  ) {}

  @Get('catalogue')
  @ApiOperation({ summary: 'The measure catalogue: 29 measures, their KPIs, targets and minimum samples' })
  @ApiOkResponse({ type: CatalogueDto })
  getCatalogue(): Catalogue {
    return this.catalogue.current().data;
  }

  @Get('ports')
  @ApiOperation({ summary: 'Registered ports with kind and time zone' })
  @ApiOkResponse({ type: [PortDto] })
  getPorts(@CurrentPrincipal() principal: Principal): readonly Port[] {
    return this.ports.ports.filter((port) => canRead(principal, port.id));
  }
}
