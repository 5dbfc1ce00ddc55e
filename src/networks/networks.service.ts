import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Page } from '../common/pagination';
import { PlatformDirectory } from '../platforms/platform-directory';
import { NetworkEntity, StoredLink, StoredTier } from './entities/network.entity';
import { CreateNetworkDto, LinkDto, NetworkDto, NetworkPresetDto } from './networks.dto';
import { NetworksError, NetworksErrorCode } from './networks.error';
import { LINK_PRESET_NAMES, LINK_PRESETS } from './presets';

export interface ResolvedNetwork {
  tiers: StoredTier[];
  links: StoredLink[];
}

const toDto = (n: NetworkEntity): NetworkDto => ({
  id: n.id,
  name: n.name,
  tiers: n.tiers,
  links: n.links,
  createdAt: n.createdAt,
});

@Injectable()
export class NetworksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly platforms: PlatformDirectory,
  ) {}

  presets(): NetworkPresetDto[] {
    return LINK_PRESET_NAMES.map((name) => ({ name, ...LINK_PRESETS[name] }));
  }

  /** Checks a network described inline (or about to be stored): shape, names, and that every platform exists. */
  async resolve(tenantId: string, dto: CreateNetworkDto): Promise<ResolvedNetwork> {
    if (dto.links.length !== dto.tiers.length - 1) {
      throw new NetworksError(
        NetworksErrorCode.BAD_NETWORK,
        `links must have one entry per pair of neighbouring tiers: ${dto.tiers.length} tiers need ${dto.tiers.length - 1} links, got ${dto.links.length}`,
      );
    }
    const names = dto.tiers.map((t) => t.name);
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated) throw new NetworksError(NetworksErrorCode.BAD_NETWORK, `tier name '${repeated}' is used twice`);
    for (const tier of dto.tiers) await this.platforms.resolve(tenantId, tier.platform);
    return { tiers: dto.tiers.map((t) => ({ name: t.name, platform: t.platform })), links: dto.links.map(resolveLink) };
  }

  async create(tenantId: string, dto: CreateNetworkDto): Promise<NetworkDto> {
    const resolved = await this.resolve(tenantId, dto);
    const repo = this.dataSource.getRepository(NetworkEntity);
    const row = repo.create({
      id: randomUUID(),
      tenantId,
      name: dto.name ?? resolved.tiers.map((t) => t.name).join('-'),
      ...resolved,
    });
    return toDto(await repo.save(row));
  }

  async list(tenantId: string, limit: number, offset: number): Promise<Page<NetworkDto>> {
    const [rows, total] = await this.dataSource.getRepository(NetworkEntity).findAndCount({
      where: { tenantId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items: rows.map(toDto), total };
  }

  async get(tenantId: string, id: string): Promise<NetworkDto> {
    const row = await this.dataSource.getRepository(NetworkEntity).findOneBy({ id, tenantId });
    if (!row) throw new NetworksError(NetworksErrorCode.NETWORK_NOT_FOUND, `network '${id}' not found`);
    return toDto(row);
  }
}

function resolveLink(link: LinkDto, i: number): StoredLink {
  if (link.preset) {
    const hasFigures = [link.uplinkMbps, link.downlinkMbps, link.rttMs].some((v) => v !== undefined);
    if (hasFigures) {
      throw new NetworksError(NetworksErrorCode.BAD_NETWORK, `links[${i}]: give either preset or figures, not both`);
    }
    return { ...LINK_PRESETS[link.preset], preset: link.preset };
  }
  return { uplinkMbps: link.uplinkMbps!, downlinkMbps: link.downlinkMbps!, rttMs: link.rttMs! };
}
