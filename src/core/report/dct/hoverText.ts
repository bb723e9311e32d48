/** The hover of a Docker Content Trust verdict, rendered from the repository's verified data. */
import { hoverMarkdown as renderHover, type HoverInput as NeutralHoverInput } from '../hoverText';
import { dctHoverDetails, type HoverTrustDetails } from '../../trust/dct/hoverDetails';

export { roleExpiries, type HoverTrustDetails, type RoleExpiry } from '../../trust/dct/hoverDetails';

/** A hover's input with DCT's verified data in place of the backend-neutral details. */
export interface HoverInput extends Omit<NeutralHoverInput, 'details'> {
  readonly details?: HoverTrustDetails;
}

/** The hover's Markdown for a DCT verdict and its repository's verified data. Pure. */
export function hoverMarkdown(input: HoverInput): string {
  const { details, ...rest } = input;
  return renderHover({ ...rest, ...(details ? { details: dctHoverDetails(input.result, details, input.now.getTime(), input.expiryWarningDays) } : {}) });
}
